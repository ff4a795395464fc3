import { DEFAULT_RULE_SETTINGS, type ReportLimits, type VitalKey } from '@vigil/contracts';

/** The chart windows the consult view offers (issue 14: 1, 6 and 24 h). */
export const CHART_RANGES = [1, 6, 24] as const;
export type ChartRange = (typeof CHART_RANGES)[number];

const MIN = 60_000;

/**
 * The history `step` per window: one reading per vital per step (the gateway keeps the last), about
 * 60–100 points per chart, enough to see a trend and cheap to draw six times.
 */
export const STEP_MS: Record<ChartRange, number> = { 1: MIN, 6: 5 * MIN, 24: 15 * MIN };

/**
 * How long a reading stands before the silence after it is missing data: the facility default's
 * freshness for a wristband (clinical.md "Sparse readings": a heart rate 10 min, a blood pressure
 * 12 h). Diastolic pressure comes with the systolic one.
 */
const wristband = DEFAULT_RULE_SETTINGS.profiles.wristband;
export const FRESH_MS: Record<VitalKey, number> = {
  hr: wristband.hr?.freshMs ?? 10 * MIN,
  spo2: wristband.spo2?.freshMs ?? 10 * MIN,
  rr: wristband.rr?.freshMs ?? 10 * MIN,
  sbp: wristband.sbp?.freshMs ?? 12 * 60 * MIN,
  dbp: wristband.sbp?.freshMs ?? 12 * 60 * MIN,
  temp: wristband.temp?.freshMs ?? 60 * MIN,
};

/** One history point as `GET /api/residents/{id}/vitals` returns it (ISO or epoch ms time). */
export type HistoryPoint = { ts: string | number } & Partial<Record<VitalKey, number>>;

/** A limit line: `warn` is the first tier (a `medium` alert), `critical` the second (`high`). */
export interface LimitLine {
  value: number;
  tier: 'warn' | 'critical';
}

/** What one vital's chart draws: uPlot's aligned columns (seconds), limit lines, and how much data. */
export interface VitalChartData {
  /** x in epoch seconds; `values[i]` null where nothing was measured (drawn as a break, never bridged). */
  x: number[];
  values: (number | null)[];
  limits: LimitLine[];
  /**
   * The resident's personal baseline alert limit (issue 15: resting pulse above the usual by
   * max(20 bpm, 3 sd)), drawn apart from the fixed limits; null when no baseline judges this vital now.
   */
  baseline: number | null;
  /** Readings in the window. */
  readings: number;
  /** Silences longer than the vital's freshness between two readings (each is a break in the line). */
  gaps: number;
  /** y-axis range: the readings and the limit lines, so a limit is always on the chart. */
  yRange: [number, number] | null;
}

const toMs = (t: string | number): number => (typeof t === 'number' ? t : Date.parse(t));

/** The resident's limits of one vital as lines, first tier and critical tier, lowest first. */
export function limitLines(limits: ReportLimits | undefined): LimitLine[] {
  if (!limits) return [];
  const lines: LimitLine[] = [];
  for (const [key, tier] of [
    ['criticalLow', 'critical'],
    ['criticalHigh', 'critical'],
    ['low', 'warn'],
    ['high', 'warn'],
  ] as const) {
    const value = limits[key];
    // A first tier equal to the critical one is one line, drawn as the critical one.
    if (value !== undefined && !lines.some((l) => l.value === value)) lines.push({ value, tier });
  }
  return lines.sort((a, b) => a.value - b.value);
}

/**
 * Shapes the history of one vital for its chart: readings in time order inside [from, to]; between two
 * readings further apart than the vital's freshness plus a step (and than two steps, since a stepped
 * history has one reading per step at most) a null, so uPlot breaks the line there instead of drawing across the
 * missing data; the window's ends as nulls, so the time axis always spans the whole window.
 */
export function vitalChartData(
  points: readonly HistoryPoint[],
  vital: VitalKey,
  window: { fromMs: number; toMs: number; stepMs: number },
  limits?: ReportLimits,
  baseline?: number,
): VitalChartData {
  const readings = points
    .map((p) => ({ ts: toMs(p.ts), v: p[vital] }))
    .filter(
      (r): r is { ts: number; v: number } => typeof r.v === 'number' && r.ts >= window.fromMs && r.ts <= window.toMs,
    )
    .sort((a, b) => a.ts - b.ts);
  // A stepped reading carries the time of its step's last point: it may sit up to one step late.
  const maxGapMs = Math.max(FRESH_MS[vital] + window.stepMs, 2 * window.stepMs);
  const x: number[] = [window.fromMs / 1000];
  const values: (number | null)[] = [null];
  let gaps = 0;
  let prev: number | undefined;
  for (const r of readings) {
    if (prev !== undefined && r.ts - prev > maxGapMs) {
      gaps++;
      x.push((prev + r.ts) / 2000);
      values.push(null);
    }
    if (r.ts / 1000 <= (x.at(-1) ?? Number.NEGATIVE_INFINITY)) {
      // Same second as the window start or a previous reading: uPlot needs x strictly increasing.
      values[values.length - 1] = r.v;
    } else {
      x.push(r.ts / 1000);
      values.push(r.v);
    }
    prev = r.ts;
  }
  if (window.toMs / 1000 > (x.at(-1) ?? 0)) {
    x.push(window.toMs / 1000);
    values.push(null);
  }
  const lines = limitLines(limits);
  const extra = baseline === undefined ? [] : [baseline];
  return {
    x,
    values,
    limits: lines,
    baseline: baseline ?? null,
    readings: readings.length,
    gaps,
    yRange: yRange(readings, [...lines.map((l) => l.value), ...extra]),
  };
}

/** Min and max of the readings and limit lines, with a little room above and below. */
function yRange(readings: readonly { v: number }[], lines: readonly number[]): [number, number] | null {
  const all = [...readings.map((r) => r.v), ...lines];
  if (all.length === 0) return null;
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = Math.max((hi - lo) * 0.08, 1);
  return [lo - pad, hi + pad];
}
