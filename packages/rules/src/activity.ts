/**
 * `resident.inactivity`: no steps for a long time during the resident's waking hours (a resident
 * lying on the floor after an undetected fall, or too unwell to get up). Steps are the wearable's
 * daily cumulative count (contract §1.1), reset at local midnight. Pure; the caller keeps the state.
 */

export interface ActivityState {
  lastSteps?: number;
  /** Device time of the last observed step increase. */
  lastMoveTs?: number;
  /** Device time steps were first observed: before that nothing is known about activity. */
  since?: number;
}

export interface WakingHours {
  timeZone: string;
  wakeFrom: string;
  wakeTo: string;
}

export function updateActivity(s: ActivityState, steps: number, ts: number): { state: ActivityState; moved: boolean } {
  // The first count, or a reset at midnight, is no evidence either way.
  if (s.lastSteps === undefined) return { state: { lastSteps: steps, since: ts }, moved: false };
  if (steps < s.lastSteps) return { state: { ...s, lastSteps: steps }, moved: false };
  if (steps > s.lastSteps) return { state: { ...s, lastSteps: steps, lastMoveTs: ts }, moved: true };
  return { state: s, moved: false };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A zone's UTC offset, valid within one quarter hour of UTC time. */
interface OffsetSpan {
  quarter: number;
  offsetMinutes: number;
}
const QUARTER_MS = 15 * 60_000;
const offsets = new Map<string, OffsetSpan>();

/**
 * Minutes since local midnight in the time zone. This runs for every sample, and `Intl` formatting
 * costs microseconds, so the zone's offset is formatted once per quarter hour and reused: every
 * time zone in use has offsets in whole quarter hours and changes them on a quarter hour boundary.
 */
export function localMinutes(ts: number, timeZone: string): number {
  const quarter = Math.floor(ts / QUARTER_MS);
  let span = offsets.get(timeZone);
  if (span?.quarter !== quarter) {
    const start = quarter * QUARTER_MS;
    const utcMinutes = Math.floor(start / 60_000) % 1440;
    span = { quarter, offsetMinutes: formattedMinutes(start, timeZone) - utcMinutes };
    offsets.set(timeZone, span);
  }
  const utcMinutes = Math.floor(ts / 60_000);
  return (((utcMinutes + span.offsetMinutes) % 1440) + 1440) % 1440;
}

function formattedMinutes(ts: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(ts);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * How long the resident has been awake at `ts` (0 when asleep): waking hours may wrap midnight
 * (a night-shift worker's 14:00–02:00).
 */
export function awakeForMs(ts: number, h: WakingHours): number {
  const now = localMinutes(ts, h.timeZone);
  const from = toMinutes(h.wakeFrom);
  const to = toMinutes(h.wakeTo);
  const inside = from < to ? now >= from && now < to : now >= from || now < to;
  if (!inside) return 0;
  const since = (now - from + 1440) % 1440;
  return since * 60_000 + (ts % 60_000);
}

/**
 * Inactive time that counts: since the last step, but never before today's waking started (sleep
 * is not inactivity).
 */
export function inactiveForMs(s: ActivityState, ts: number, h: WakingHours): number {
  const awake = awakeForMs(ts, h);
  if (awake === 0) return 0;
  const from = s.lastMoveTs ?? s.since;
  const sinceMove = from === undefined ? 0 : ts - from;
  return Math.min(awake, sinceMove);
}
