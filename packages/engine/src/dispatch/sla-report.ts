import {
  type Alert,
  type DurationStats,
  PRIORITIES,
  RESOLVE_OUTCOMES,
  ROLES,
  type Role,
  type SlaBreaches,
  type SlaGroupStats,
  type SlaReport,
  type SlaRoleStats,
  type SlaStaffStats,
  type SlaWarning,
  SlaWarningKind,
  type Task,
  TaskKind,
  TaskState,
  toIso,
} from '@vigil/contracts';

/** Who a staff id is; `UserRecord`s fit (only these three fields are read, never copied whole). */
export interface SlaReportUser {
  id: string;
  name: string;
  role: Role;
}

export interface SlaReportInput {
  facilityId: string;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, inclusive. */
  to: number;
  /** May hold other facilities and times: filtered here. */
  alerts: readonly Alert[];
  tasks: readonly Task[];
  warnings: readonly SlaWarning[];
  users: readonly SlaReportUser[];
}

/** Roles `byRole` always lists, in this order, even with nothing to show (here and in alert stats). */
export const STAFF_ROLES: readonly Role[] = ['caregiver', 'medical', 'maintenance', 'manager'];
/** Outcomes a person closed an alert with (the false-alarm rate counts among these). */
export const PERSON_OUTCOMES: ReadonlySet<string> = new Set(RESOLVE_OUTCOMES);

/**
 * Nearest-rank percentile of ascending `sorted`: the sample at 1-based rank ⌈p·n/100⌉ (at least 1),
 * so always an observed value, never an interpolation. p50 of [a, b] is a, p90 of [a, b] is b; of 10
 * samples p50 is the 5th and p90 the 9th. p·n is divided last so the rank is exact for any whole p
 * (7 / 100 × 100 is 7.000…01 in floating point, which would round up to rank 8).
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

/** Count, p50, p90 and max of the samples; all null when there are none. */
export function durationStats(samples: readonly number[]): DurationStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    maxMs: sorted.at(-1) ?? null,
  };
}

/** Raw figures of one group (the facility, a role, a staff member) before they are summarised. */
interface Tally {
  assigned: number;
  accepted: number;
  completed: number;
  passed: number;
  ack: number[];
  accept: number[];
  complete: number[];
  byPerson: number;
  falseAlarms: number;
  breaches: SlaWarning['kind'][];
}

const emptyTally = (): Tally => ({
  assigned: 0,
  accepted: 0,
  completed: 0,
  passed: 0,
  ack: [],
  accept: [],
  complete: [],
  byPerson: 0,
  falseAlarms: 0,
  breaches: [],
});

function merge(into: Tally, t: Tally): void {
  into.assigned += t.assigned;
  into.accepted += t.accepted;
  into.completed += t.completed;
  into.passed += t.passed;
  into.ack.push(...t.ack);
  into.accept.push(...t.accept);
  into.complete.push(...t.complete);
  into.byPerson += t.byPerson;
  into.falseAlarms += t.falseAlarms;
  into.breaches.push(...t.breaches);
}

/** One count per enum value, all present (0 when none). */
function countBy<K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const v of values) out[v] += 1;
  return out;
}

function breaches(kinds: readonly SlaWarning['kind'][]): SlaBreaches {
  return { total: kinds.length, byKind: countBy(SlaWarningKind.options, kinds) };
}

function summarise(t: Tally): SlaGroupStats {
  return {
    tasks: { assigned: t.assigned, accepted: t.accepted, completed: t.completed, passed: t.passed },
    timeToAcknowledge: durationStats(t.ack),
    timeToAccept: durationStats(t.accept),
    timeToComplete: durationStats(t.complete),
    resolutions: {
      byPerson: t.byPerson,
      falseAlarms: t.falseAlarms,
      falseAlarmRate: t.byPerson === 0 ? null : t.falseAlarms / t.byPerson,
    },
    breaches: breaches(t.breaches),
  };
}

const priorityOf = (a: Alert) => a.priority;
const kindOf = (t: Task) => t.kind;
const stateOf = (t: Task) => t.state;
const at = (iso: string): number => Date.parse(iso);
/** end − start in ms; clock skew never yields a negative duration. */
const span = (start: string, end: string): number => Math.max(0, at(end) - at(start));

/**
 * The SLA report of one facility over [from, to] (contract §4.1, issue 4). Pure: the caller loads
 * the alerts, tasks, warnings and users. An item belongs to the window of its start (alert raisedAt,
 * task createdAt, warning raisedAt); its later acknowledgement, acceptance or completion counts even
 * after `to`. Credit goes to the staff member who did the act: tasks to their current assignee,
 * passes to each id in `passedBy`, acknowledgements to `acknowledgedBy`, resolutions to `resolvedBy`,
 * breaches to the warning's `staffId`. `byRole` sums the staff of each role (by the staff member's
 * own role, not the task's); ids not among `users` appear in `byStaff` with a null name and role and
 * in no role. Staff with no activity are omitted from `byStaff` (the users list holds residents and
 * admins too); what nobody is credited with (unassigned tasks, warnings without staff) counts only in
 * `facility`.
 */
export function slaReport(input: SlaReportInput): SlaReport {
  const { facilityId, from, to } = input;
  const inWindow = (x: { facilityId: string }, start: string): boolean =>
    x.facilityId === facilityId && at(start) >= from && at(start) <= to;
  const alerts = input.alerts.filter((a) => inWindow(a, a.raisedAt));
  const tasks = input.tasks.filter((t) => inWindow(t, t.createdAt));
  const warnings = input.warnings.filter((w) => inWindow(w, w.raisedAt));

  const total = emptyTally();
  const staff = new Map<string, Tally>();
  /** The tallies an act counts in: the facility's and, when someone did it, theirs. */
  const tallies = (staffId: string | undefined): Tally[] => {
    if (staffId === undefined) return [total];
    const own = staff.get(staffId) ?? emptyTally();
    staff.set(staffId, own);
    return [total, own];
  };

  for (const t of tasks) {
    for (const x of tallies(t.assigneeId)) {
      if (t.assigneeId !== undefined) x.assigned += 1;
      if (t.acceptedAt) {
        x.accepted += 1;
        x.accept.push(span(t.assignedAt ?? t.createdAt, t.acceptedAt));
      }
      if (t.completedAt) {
        x.completed += 1;
        if (t.acceptedAt) x.complete.push(span(t.acceptedAt, t.completedAt));
      }
    }
    for (const id of new Set(t.passedBy ?? [])) for (const x of tallies(id)) x.passed += 1;
  }
  for (const a of alerts) {
    // A re-raised alert keeps only its latest acknowledgement (contract §3.1), which answered the re-raise.
    const called = a.reraisedAt ?? a.raisedAt;
    if (a.acknowledgedAt) for (const x of tallies(a.acknowledgedBy)) x.ack.push(span(called, a.acknowledgedAt));
    if (a.outcome && PERSON_OUTCOMES.has(a.outcome))
      for (const x of tallies(a.resolvedBy)) {
        x.byPerson += 1;
        if (a.outcome === 'false_alarm') x.falseAlarms += 1;
      }
  }
  for (const w of warnings) for (const x of tallies(w.staffId)) x.breaches.push(w.kind);

  const users = new Map(input.users.map((u) => [u.id, u]));
  const byStaff: SlaStaffStats[] = [...staff.keys()].sort().map((id) => {
    const u = users.get(id);
    return { staffId: id, name: u?.name ?? null, role: u?.role ?? null, ...summarise(staff.get(id)!) };
  });

  const roles = new Map<Role, { tally: Tally; staff: number }>(
    STAFF_ROLES.map((r) => [r, { tally: emptyTally(), staff: 0 }]),
  );
  for (const [id, tally] of staff) {
    const role = users.get(id)?.role;
    if (!role) continue;
    const entry = roles.get(role) ?? { tally: emptyTally(), staff: 0 };
    merge(entry.tally, tally);
    entry.staff += 1;
    roles.set(role, entry);
  }
  const order = [...STAFF_ROLES, ...ROLES.filter((r) => !STAFF_ROLES.includes(r))];
  const byRole: SlaRoleStats[] = order.flatMap((role) => {
    const entry = roles.get(role);
    return entry ? [{ role, staff: entry.staff, ...summarise(entry.tally) }] : [];
  });

  const summary = summarise(total);
  return {
    facilityId,
    from: toIso(from),
    to: toIso(to),
    facility: {
      ...summary,
      alerts: {
        raised: alerts.length,
        byPriority: countBy(PRIORITIES, alerts.map(priorityOf)),
        acknowledged: total.ack.length,
        selfCleared: alerts.filter((a) => a.outcome === 'self_cleared').length,
        cancelled: alerts.filter((a) => a.outcome === 'cancelled').length,
      },
      tasks: {
        ...summary.tasks,
        created: tasks.length,
        byKind: countBy(TaskKind.options, tasks.map(kindOf)),
        byState: countBy(TaskState.options, tasks.map(stateOf)),
      },
    },
    byRole,
    byStaff,
  };
}
