import {
  type Alert,
  type CarePlan,
  type HealthReport,
  type News2,
  type RuleSettingsBody,
  THRESHOLD_VITALS,
  toIso,
  VITAL_KEYS,
  type VitalKey,
  type VitalSummary,
} from '@vigil/contracts';
import { type LatestReadings, NEWS2_FRESHNESS_MS, news2FromLatest } from './news2.ts';
import { announcedAt, type RiskAnnouncements } from './risk-announcements.ts';
import { effectiveVitalRules, type ThresholdVital, type VitalRules } from './thresholds.ts';

/** A history point, as the vitals history returns it (device time, epoch ms). */
export interface ReportPoint extends Partial<Record<VitalKey, number | undefined>> {
  ts: number;
  consciousness?: string | undefined;
  onOxygen?: boolean | undefined;
  worn?: boolean | undefined;
}

/**
 * The health status report of contract §4.4, from history points in time order. Each reading stands
 * until the next one, but never longer than its NEWS2 freshness window (beyond that nothing is
 * known), so "time out of range" is observed time, not guessed. NEWS2 is replayed over the window with each
 * parameter's freshness, as it was scored live; the worst is the highest aggregate. The risk is the
 * damped level announced to the medical team when known (contract §4.4: the push and the report agree).
 */
export function healthReport(input: {
  residentId: string;
  from: number;
  to: number;
  points: readonly ReportPoint[];
  alerts: readonly Alert[];
  carePlan: CarePlan;
  settings: Pick<RuleSettingsBody, 'vitals'>;
  /** The levels announced to the medical team (risk-announcements.ts): `risk` is theirs, damped. */
  announced?: RiskAnnouncements | undefined;
}): HealthReport {
  const { points, from, to } = input;
  const rules = effectiveVitalRules(input.carePlan, input.settings.vitals);
  const acc: Partial<
    Record<
      VitalKey,
      {
        min: number;
        max: number;
        sum: number;
        n: number;
        out: number;
        observed: number;
        last?: { v: number; ts: number };
      }
    >
  > = {};
  const latest: LatestReadings = { values: {} };
  let worst: News2 | undefined;
  const close = (k: VitalKey, until: number) => {
    const a = acc[k];
    if (!a?.last) return;
    const holds = NEWS2_FRESHNESS_MS[k === 'dbp' ? 'sbp' : k];
    const span = Math.max(0, Math.min(until, a.last.ts + holds) - a.last.ts);
    a.observed += span;
    if (k !== 'dbp' && outOfRange(a.last.v, rules[k as ThresholdVital])) a.out += span;
  };
  for (const p of points) {
    if (p.ts < from || p.ts > to || p.worn === false) continue;
    for (const k of VITAL_KEYS) {
      const v = p[k];
      if (v === undefined) continue;
      const a = acc[k] ?? { min: v, max: v, sum: 0, n: 0, out: 0, observed: 0 };
      acc[k] = a;
      close(k, p.ts);
      a.min = Math.min(a.min, v);
      a.max = Math.max(a.max, v);
      a.sum += v;
      a.n++;
      a.last = { v, ts: p.ts };
      if (k !== 'dbp') latest.values[k] = { v, ts: p.ts };
    }
    if (p.consciousness !== undefined) latest.consciousness = { v: p.consciousness, ts: p.ts };
    if (p.onOxygen !== undefined) latest.onOxygen = { v: p.onOxygen, ts: p.ts };
    const scored = news2FromLatest(latest, input.carePlan, p.ts);
    if (!worst || scored.score > worst.score) worst = scored;
  }
  const lastTs = points.filter((p) => p.ts >= from && p.ts <= to).at(-1)?.ts;
  const vitals: HealthReport['vitals'] = {};
  for (const k of VITAL_KEYS) {
    const a = acc[k];
    if (!a) continue;
    close(k, to);
    vitals[k] = summary(a);
  }
  const inWindow = (a: Alert) => {
    const t = Date.parse(a.raisedAt);
    return t >= from && t <= to;
  };
  const alerts = input.alerts.filter(inWindow);
  const byKind: HealthReport['alerts']['byKind'] = {};
  const outcomes: HealthReport['alerts']['outcomes'] = {};
  for (const a of alerts) {
    byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
    if (a.outcome) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
  }
  // The score as of the end of the window: a value past its freshness no longer counts.
  const currentNow = lastTs !== undefined ? news2FromLatest(latest, input.carePlan, to) : undefined;
  const inWindowPoints = points.filter((p) => p.ts >= from && p.ts <= to);
  const first = inWindowPoints[0];
  return {
    residentId: input.residentId,
    from: toIso(from),
    to: toIso(to),
    coverage: first && lastTs !== undefined ? { firstAt: toIso(first.ts), lastAt: toIso(lastTs) } : null,
    vitals,
    news2: { current: currentNow ?? null, worst: worst ?? null },
    alerts: { raised: alerts.length, open: alerts.filter((a) => a.state !== 'resolved').length, byKind, outcomes },
    // The level `report.updated` pushed (a fall counts once it has held, risk-damping.ts), so a push
    // and a report read after it agree; the score's own band where no announcement reaches back to `to`.
    risk: currentNow ? (announcedAt(input.announced, to) ?? currentNow.risk) : 'low',
    limits: reportLimits(rules),
    spo2Scale: input.carePlan.spo2Scale ?? 1,
  };
}

/** The limits of each vital in force, only those set (JSON has no `undefined`). */
function reportLimits(rules: VitalRules): NonNullable<HealthReport['limits']> {
  const out: NonNullable<HealthReport['limits']> = {};
  for (const k of THRESHOLD_VITALS) {
    const { low, high, criticalLow, criticalHigh } = rules[k];
    out[k] = {
      ...(low !== undefined && { low }),
      ...(high !== undefined && { high }),
      ...(criticalLow !== undefined && { criticalLow }),
      ...(criticalHigh !== undefined && { criticalHigh }),
    };
  }
  return out;
}

function outOfRange(
  v: number,
  r: {
    low?: number | undefined;
    high?: number | undefined;
    criticalLow?: number | undefined;
    criticalHigh?: number | undefined;
  },
): boolean {
  const high = r.high ?? r.criticalHigh;
  const low = r.low ?? r.criticalLow;
  return (high !== undefined && v >= high) || (low !== undefined && v <= low);
}

function summary(a: { min: number; max: number; sum: number; n: number; out: number; observed: number }): VitalSummary {
  return {
    min: a.min,
    mean: Math.round((a.sum / a.n) * 10) / 10,
    max: a.max,
    samples: a.n,
    outOfRangeMs: a.out,
    outOfRangePct: a.observed > 0 ? Math.round((a.out / a.observed) * 1000) / 10 : 0,
  };
}
