import type { News2, News2Param, ReportSummary, RiskLevel } from '@vigil/contracts';

/** NEWS2 chart 4 bands in rising order of clinical urgency. */
const RANK: Record<RiskLevel, number> = { low: 0, low_medium: 1, medium: 2, high: 3 };

/**
 * What a resident's rule memory keeps to announce risk changes (contract §4.4), checkpointed with the
 * rest of it. `announced`: the level the medical team was last told (or the first score's, which is
 * announced to nobody). `lower`: while the risk stays below `announced`, since when, and the highest
 * level seen meanwhile (what a fall will announce).
 */
export interface RiskTrack {
  announced: RiskLevel;
  lastTs: number;
  lower?: { since: number; highest: RiskLevel };
}

export interface RiskChange {
  risk: RiskLevel;
  previousRisk: RiskLevel;
  summary: ReportSummary;
}

/**
 * Damps risk changes with the hysteresis alerts use (clinical.md "Alarm fatigue"): a rise is
 * announced at once (a deterioration must reach the doctor without delay), a fall only once every
 * score for `holdMs` of device time has stayed below the announced level, and then as the highest
 * level seen in that time. A resident wavering on a band edge is announced once on the way up and
 * once when it has settled lower, never at every crossing. Scores are judged in device-time order; an
 * older one (late data behind newer) changes nothing. Pure.
 */
export function trackRisk(
  track: RiskTrack | undefined,
  news2: News2,
  ts: number,
  holdMs: number,
): { track: RiskTrack; change?: RiskChange } {
  const risk = news2.risk;
  if (!track) return { track: { announced: risk, lastTs: ts } };
  if (ts < track.lastTs) return { track };
  const announced = track.announced;
  if (RANK[risk] > RANK[announced]) {
    return { track: { announced: risk, lastTs: ts }, change: change(risk, announced, 'rose', news2) };
  }
  if (RANK[risk] === RANK[announced]) return { track: { announced, lastTs: ts } };
  const lower = track.lower
    ? { since: track.lower.since, highest: RANK[risk] > RANK[track.lower.highest] ? risk : track.lower.highest }
    : { since: ts, highest: risk };
  if (ts - lower.since < holdMs) return { track: { announced, lastTs: ts, lower } };
  const settled = lower.highest;
  // The level it settled at is announced; a score lower still starts the next hold from here.
  const next: RiskTrack = { announced: settled, lastTs: ts };
  if (RANK[risk] < RANK[settled]) next.lower = { since: ts, highest: risk };
  return { track: next, change: change(settled, announced, 'fell', news2) };
}

function change(risk: RiskLevel, previousRisk: RiskLevel, direction: 'rose' | 'fell', n: News2): RiskChange {
  const drivers = (Object.entries(n.subscores) as [News2Param, number | null | undefined][])
    .filter(([, s]) => typeof s === 'number' && s > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([p]) => p);
  return { risk, previousRisk, summary: { direction, drivers, partial: n.partial } };
}
