import type { Alert, AlertState } from '@vigil/contracts';
import { formatNumber, formatPercent, formatTime } from '../i18n/format.ts';
import { alarmKindText, tr } from '../i18n/resident.ts';
import { type Severity, STALE_MS, severity } from '../ranges.ts';
import { calledAt, type LatestVitals, toMs } from '../store.ts';

/** One reading said in a sentence ("Your heart rate is normal: 72 beats a minute"). */
export interface ReadingLine {
  key: 'hr' | 'spo2' | 'rr' | 'bp' | 'temp';
  text: string;
  severity: Severity;
  /** Device time of the reading (epoch ms). */
  at: number;
  /** Older than the tiles' staleness limit: the sentence says when it was measured. */
  stale: boolean;
}

const STATE = ['state0', 'state1', 'state2'] as const;
/** rule-defaults.ts battery.lowPct: below it the resident is asked to have it charged. */
const BATTERY_LOW_PCT = 15;

/** The resident's latest readings in plain words, in a fixed order; readings never sent are left out. */
export function readingLines(latest: LatestVitals | undefined, nowMs: number): ReadingLine[] {
  const { hr, spo2, rr, sbp, dbp, temp } = latest?.values ?? {};
  const lines: ReadingLine[] = [];
  const push = (key: ReadingLine['key'], sev: Severity, at: number, text: (state: string) => string) =>
    lines.push({ key, severity: sev, at, stale: nowMs - at > STALE_MS, text: text(tr(STATE[sev])) });
  const n = (x: number, digits = 0) => formatNumber(x, digits);
  if (hr) push('hr', severity('hr', hr.v), hr.ts, (state) => tr('hr', { state, value: n(hr.v) }));
  if (spo2) push('spo2', severity('spo2', spo2.v), spo2.ts, (state) => tr('spo2', { state, value: n(spo2.v) }));
  if (rr) push('rr', severity('rr', rr.v), rr.ts, (state) => tr('rr', { state, value: n(rr.v) }));
  // NEWS2 scores the systolic pressure only; the diastolic is said beside it.
  if (sbp && dbp)
    push('bp', severity('sbp', sbp.v), sbp.ts, (state) => tr('bp', { state, sbp: n(sbp.v), dbp: n(dbp.v) }));
  if (temp) push('temp', severity('temp', temp.v), temp.ts, (state) => tr('temp', { state, value: n(temp.v, 1) }));
  return lines;
}

export interface WristbandStatus {
  worn: string;
  battery?: string;
  batteryLow: boolean;
  lastSeen?: string;
}

/** Worn, battery and when the wristband was last heard from, from the latest values of its samples. */
export function wristbandStatus(latest: LatestVitals | undefined): WristbandStatus | undefined {
  if (!latest) return undefined;
  const times = [
    ...Object.values(latest.values).map((r) => r?.ts ?? Number.NaN),
    latest.worn?.ts ?? Number.NaN,
    latest.consciousness?.ts ?? Number.NaN,
  ].filter(Number.isFinite);
  const battery = latest.values.battery?.v;
  const percent = battery === undefined ? undefined : formatPercent(battery / 100);
  const low = battery !== undefined && battery < BATTERY_LOW_PCT;
  return {
    worn: latest.worn === undefined ? tr('wornUnknown') : latest.worn.v ? tr('worn') : tr('notWorn'),
    ...(percent !== undefined && { battery: low ? tr('batteryLow', { percent }) : tr('battery', { percent }) }),
    batteryLow: low,
    ...(times.length > 0 && { lastSeen: tr('lastSeen', { time: formatTime(Math.max(...times)) }) }),
  };
}

const STATE_TEXT: Record<AlertState, 'alarmActive' | 'alarmAcknowledged' | 'alarmResolved'> = {
  active: 'alarmActive',
  acknowledged: 'alarmAcknowledged',
  resolved: 'alarmResolved',
};

export interface AlarmLine {
  id: string;
  what: string;
  state: string;
  when: string;
  at: number;
  open: boolean;
}

/** The resident's alarms, newest first, each as what happened, when, and what is being done. */
export function alarmLines(list: readonly Alert[], max = 8): AlarmLine[] {
  return [...list]
    .sort((a, b) => calledAt(b) - calledAt(a))
    .slice(0, max)
    .map((a) => ({
      id: a.id,
      what: alarmKindText(a.kind),
      state: tr(STATE_TEXT[a.state]),
      when: tr('alarmAt', { time: formatTime(toMs(a.reraisedAt ?? a.raisedAt)) }),
      at: calledAt(a),
      open: a.state !== 'resolved',
    }));
}
