/**
 * A resident's own resting heart rate (issue 3 "personal baselines"): an exponentially weighted mean
 * and variance over resting samples, forgetting with a half-life in device time. A resting pulse of
 * 95 is normal for some and a warning sign for a resident whose usual is 62; the fixed thresholds
 * (≥120) cannot tell. Pure; the caller keeps the state.
 */

export interface BaselineState {
  mean: number;
  variance: number;
  /** Device time of the last update, and of the first (for the warm-up). */
  lastTs: number;
  firstTs: number;
  /**
   * Resting readings learned from (the report's "how much it has learned"). Absent in memory saved
   * before it was counted: unknown then, never a guess.
   */
  samples?: number;
}

export interface BaselineParams {
  halfLifeMs: number;
  warmupMs: number;
  minDeltaBpm: number;
  sdFactor: number;
}

/** Samples further apart than this count as one step of this length (a gap is not extra evidence). */
const MAX_STEP_MS = 60_000;

export function updateBaseline(s: BaselineState | undefined, v: number, ts: number, halfLifeMs: number): BaselineState {
  if (s === undefined) return { mean: v, variance: 0, lastTs: ts, firstTs: ts, samples: 1 };
  if (ts <= s.lastTs) return s;
  const dt = Math.min(ts - s.lastTs, MAX_STEP_MS);
  // Until the data spans the half-life, a plain running mean (weight by time covered), so the first
  // reading does not dominate the baseline for days.
  const alpha = Math.max(1 - 2 ** (-dt / halfLifeMs), dt / (ts - s.firstTs + dt));
  const diff = v - s.mean;
  const mean = s.mean + alpha * diff;
  // West's incremental EWM variance.
  const variance = (1 - alpha) * (s.variance + alpha * diff * diff);
  const next: BaselineState = { mean, variance, lastTs: ts, firstTs: s.firstTs };
  if (s.samples !== undefined) next.samples = s.samples + 1;
  return next;
}

export interface BaselineJudgement {
  ready: boolean;
  mean: number;
  sd: number;
  /** The value above which resting heart rate counts as a deviation. */
  limit: number;
}

export function judgeBaseline(s: BaselineState | undefined, p: BaselineParams): BaselineJudgement | undefined {
  if (s === undefined) return undefined;
  const sd = Math.sqrt(s.variance);
  const ready = s.lastTs - s.firstTs >= p.warmupMs;
  return { ready, mean: s.mean, sd, limit: s.mean + Math.max(p.minDeltaBpm, p.sdFactor * sd) };
}
