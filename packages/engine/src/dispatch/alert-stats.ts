import {
  type Alert,
  type AlertStats,
  type AlertStatsRole,
  type AlertStatsStaff,
  type Role,
  type SlaWarning,
  SlaWarningKind,
  toIso,
} from '@vigil/contracts';
import { durationStats, PERSON_OUTCOMES, type SlaReportInput, STAFF_ROLES } from './sla-report.ts';

/** What the SLA report takes, and the facility's resident count. */
export interface AlertStatsInput extends SlaReportInput {
  /** How many residents the facility has: the resident-days are this × the window's days. */
  residents: number;
}

const DAY_MS = 24 * 3_600_000;
const at = Date.parse;
const span = (start: string, end: string): number => Math.max(0, at(end) - at(start));

interface Samples {
  ack: number[];
  onSite: number[];
}
const empty = (): Samples => ({ ack: [], onSite: [] });
const times = (s: Samples) => ({ acknowledge: durationStats(s.ack), onSite: durationStats(s.onSite) });

/**
 * The manager board's response times (issue 14, `GET /api/alerts/stats`). Pure: the caller loads
 * the facility's alerts, tasks, warnings and users. Same conventions as the SLA report
 * (sla-report.ts): an item belongs to the window of its start, credit goes to whoever did the act,
 * staff with nothing to show are left out, nearest-rank percentiles.
 */
export function alertStats(input: AlertStatsInput): AlertStats {
  const { facilityId, from, to } = input;
  const inWindow = (x: { facilityId: string }, start: string) =>
    x.facilityId === facilityId && at(start) >= from && at(start) <= to;
  const alerts = input.alerts.filter((a) => inWindow(a, a.raisedAt));
  const tasks = input.tasks.filter((t) => inWindow(t, t.createdAt) && t.kind === 'onsite_check');
  const warnings = input.warnings.filter((w) => inWindow(w, w.raisedAt));

  const total = empty();
  const staff = new Map<string, Samples>();
  const into = (id: string | undefined): Samples[] => {
    if (id === undefined) return [total];
    const own = staff.get(id) ?? empty();
    staff.set(id, own);
    return [total, own];
  };

  let resolvedByPerson = 0;
  let falseAlarms = 0;
  for (const a of alerts) {
    // A re-raise clears the acknowledgement (contract §3.1): the one kept answered the re-raise.
    if (a.acknowledgedAt)
      for (const s of into(a.acknowledgedBy)) s.ack.push(span(a.reraisedAt ?? a.raisedAt, a.acknowledgedAt));
    if (a.outcome && PERSON_OUTCOMES.has(a.outcome)) {
      resolvedByPerson += 1;
      if (a.outcome === 'false_alarm') falseAlarms += 1;
    }
  }
  for (const t of tasks) {
    const arrived = t.startedAt ?? t.completedAt;
    if (arrived) for (const s of into(t.assigneeId)) s.onSite.push(span(t.createdAt, arrived));
  }

  const users = new Map(input.users.map((u) => [u.id, u]));
  const byStaff: AlertStatsStaff[] = [...staff.keys()].sort().map((id) => {
    const u = users.get(id);
    return { staffId: id, name: u?.name ?? null, role: u?.role ?? null, ...times(staff.get(id) as Samples) };
  });
  const roles = new Map<Role, Samples>(STAFF_ROLES.map((r) => [r, empty()]));
  for (const [id, s] of staff) {
    const role = users.get(id)?.role;
    if (!role) continue;
    const pooled = roles.get(role) ?? empty();
    pooled.ack.push(...s.ack);
    pooled.onSite.push(...s.onSite);
    roles.set(role, pooled);
  }
  const byRole: AlertStatsRole[] = [...roles].map(([role, s]) => ({ role, ...times(s) }));

  const residentDays = (input.residents * (to - from)) / DAY_MS;
  const perKind = new Map<Alert['kind'], number>();
  for (const a of alerts) if (a.residentId !== undefined) perKind.set(a.kind, (perKind.get(a.kind) ?? 0) + 1);
  const byRule = [...perKind]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => ({ kind, alerts: n, perResidentDay: residentDays > 0 ? n / residentDays : null }));

  const byKind = Object.fromEntries(SlaWarningKind.options.map((k) => [k, 0])) as Record<SlaWarning['kind'], number>;
  for (const w of warnings) byKind[w.kind] += 1;

  return {
    facilityId,
    from: toIso(from),
    to: toIso(to),
    alerts: {
      raised: alerts.length,
      resolvedByPerson,
      falseAlarms,
      falseAlarmRate: resolvedByPerson === 0 ? null : falseAlarms / resolvedByPerson,
    },
    facility: times(total),
    byRole,
    byStaff,
    breaches: { total: warnings.length, byKind },
    residentDays,
    byRule,
  };
}
