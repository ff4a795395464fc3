import type { Alert } from '@vigil/contracts';
import { type BurstPriority, burstLength, burstSchedule } from './burst.ts';

/**
 * Which alarm sounds now, as a pure function of the open alerts, the mute and what has already played.
 *
 * - `high` and active: its burst repeats until someone acknowledges it (the board learns that from the
 *   live `alert` events), 4 s of silence between bursts, 2.5 s when re-raised (IEC 60601-1-8 interburst
 *   interval t_b, end of one burst to the start of the next: 2.5–15 s). A burst lasts 3.5 s.
 * - `medium` and active: one burst when the call arrives, again every 3 min while unacknowledged
 *   (every minute when re-raised), so a missed medium is recalled without the fatigue of a loop.
 * - `low`: no sound (awareness only, clinical.md).
 * - A higher priority supersedes: no medium burst while a high one is sounding (IEC 60601-1-8 6.3.2).
 * - A re-raise (contract §3.1) is a new call: it sounds at once, louder than a first call.
 * - Bursts never overlap: a call arriving mid-burst starts its burst when that one ends.
 * - Muted: nothing plays until the mute expires, except that a new high call ends the mute (a new
 *   emergency must never wait behind a silence chosen for an older one).
 */
/** Interburst intervals (silence between bursts). */
export const HIGH_INTERVAL_MS = 4_000;
export const HIGH_RERAISED_INTERVAL_MS = 2_500;
export const MEDIUM_REPEAT_MS = 3 * 60_000;
export const MEDIUM_RERAISED_REPEAT_MS = 60_000;

export type Loudness = 'normal' | 'loud';

export interface Play {
  priority: BurstPriority;
  loudness: Loudness;
}

export interface AlarmMemory {
  /** When each call (see callKey) last started a burst, epoch ms. */
  played: ReadonlyMap<string, number>;
  /** When the last high burst started: one high loop for all high alerts, not one per alert. */
  lastHighAt: number;
  /** When the burst now playing ends, epoch ms. */
  busyUntil: number;
}

export const EMPTY_MEMORY: AlarmMemory = {
  played: new Map(),
  lastHighAt: Number.NEGATIVE_INFINITY,
  busyUntil: Number.NEGATIVE_INFINITY,
};

export const BURST_MS: Record<BurstPriority, number> = {
  high: burstLength(burstSchedule('high')) * 1000,
  medium: burstLength(burstSchedule('medium')) * 1000,
};

export interface Decision {
  play: Play | null;
  /** What would sound if not muted: drives the mute button and the "enable sound" banner. */
  sounding: BurstPriority | null;
  memory: AlarmMemory;
  /** The mute, ended early when a new high call arrived. */
  mutedUntil: number;
}

type AlarmAlert = Pick<Alert, 'id' | 'priority' | 'state' | 'raisedAt' | 'reraisedAt'>;

/** One call for help: the alert, and its latest re-raise (a re-raise is a new call, contract §3.1). */
export const callKey = (a: Pick<Alert, 'id' | 'raisedAt' | 'reraisedAt'>): string =>
  `${a.id}@${a.reraisedAt ?? a.raisedAt}`;

export function decideAlarm(
  alerts: readonly AlarmAlert[],
  now: number,
  mutedUntil: number,
  memory: AlarmMemory,
): Decision {
  const active = alerts.filter((a) => a.state === 'active');
  const high = active.filter((a) => a.priority === 'high');
  const medium = active.filter((a) => a.priority === 'medium');
  const sounding: BurstPriority | null = high.length > 0 ? 'high' : medium.length > 0 ? 'medium' : null;
  // Forget calls no longer active, so the memory stays as small as the open list.
  const keys = new Set(active.map(callKey));
  const played = new Map([...memory.played].filter(([k]) => keys.has(k)));

  const newHigh = high.filter((a) => !played.has(callKey(a)));
  const muted = now < mutedUntil && newHigh.length === 0 ? mutedUntil : 0;
  const quiet = (m: AlarmMemory): Decision => ({ play: null, sounding, memory: m, mutedUntil: muted });
  if (muted || now < memory.busyUntil) return quiet({ ...memory, played });

  if (high.length > 0) {
    const reraised = high.some((a) => a.reraisedAt !== undefined);
    const interval = reraised ? HIGH_RERAISED_INTERVAL_MS : HIGH_INTERVAL_MS;
    // t_b runs from the end of the last burst (busyUntil); a new call waits only for that burst to end.
    if (newHigh.length === 0 && now - memory.busyUntil < interval) return quiet({ ...memory, played });
    for (const a of high) played.set(callKey(a), now);
    // Loud when any high call is re-raised: the most urgent call sets the level.
    return {
      play: { priority: 'high', loudness: reraised ? 'loud' : 'normal' },
      sounding,
      memory: { played, lastHighAt: now, busyUntil: now + BURST_MS.high },
      mutedUntil: muted,
    };
  }

  const due = medium.filter((a) => {
    const last = played.get(callKey(a));
    const repeat = a.reraisedAt !== undefined ? MEDIUM_RERAISED_REPEAT_MS : MEDIUM_REPEAT_MS;
    return last === undefined || now - last >= repeat;
  });
  if (due.length === 0) return quiet({ ...memory, played });
  for (const a of due) played.set(callKey(a), now);
  return {
    play: { priority: 'medium', loudness: due.some((a) => a.reraisedAt !== undefined) ? 'loud' : 'normal' },
    sounding,
    memory: { ...memory, played, busyUntil: now + BURST_MS.medium },
    mutedUntil: muted,
  };
}
