import {
  Alert,
  type AlertOutcome,
  type SlaGroupStats,
  SlaReport,
  SlaWarning,
  type SlaWarningKind,
  Task,
  toIso,
} from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { durationStats, percentile, type SlaReportUser, slaReport } from './sla-report.ts';

const S = 1000;
const MIN = 60 * S;
const T = Date.parse('2025-03-01T08:00:00.000Z');
const FROM = T;
const TO = T + 60 * MIN;
const at = (offsetMs: number): string => toIso(T + offsetMs);

function alert(id: string, raised: number, o: Partial<Alert> = {}): Alert {
  return {
    id,
    facilityId: 'f1',
    kind: 'sos',
    priority: 'high',
    state: 'active',
    title: id,
    explanation: { rule: 'sos', inputs: {}, condition: 'pressed' },
    raisedAt: at(raised),
    lastSeenAt: at(raised),
    occurrences: 1,
    escalationLevel: 0,
    ...o,
  };
}

function task(id: string, created: number, o: Partial<Task> = {}): Task {
  return {
    id,
    facilityId: 'f1',
    kind: 'onsite_check',
    role: 'caregiver',
    priority: 'high',
    state: 'open',
    createdAt: at(created),
    acceptBy: at(created + 2 * MIN),
    completeBy: at(created + 15 * MIN),
    escalationLevel: 0,
    ...o,
  };
}

function warning(id: string, raised: number, kind: SlaWarningKind, staffId?: string): SlaWarning {
  return { id, facilityId: 'f1', kind, ...(staffId && { staffId }), limitMs: MIN, detail: id, raisedAt: at(raised) };
}

const stats = (count: number, p50Ms: number, p90Ms: number, maxMs: number) => ({ count, p50Ms, p90Ms, maxMs });
const NONE = { count: 0, p50Ms: null, p90Ms: null, maxMs: null };
const ZERO_BREACHES = {
  alert_unacknowledged: 0,
  accept_overdue: 0,
  complete_overdue: 0,
  staff_repeated_overdue: 0,
  consult_response_streak: 0,
  no_staff_on_duty: 0,
};
const breaches = (byKind: Partial<Record<SlaWarningKind, number>> = {}) => ({
  total: Object.values(byKind).reduce((a, b) => a + b, 0),
  byKind: { ...ZERO_BREACHES, ...byKind },
});

/** An expected group: zero everywhere except what `o` says. */
function group(o: Partial<Omit<SlaGroupStats, 'tasks'>> & { tasks?: Partial<SlaGroupStats['tasks']> } = {}) {
  return {
    timeToAcknowledge: NONE,
    timeToAccept: NONE,
    timeToComplete: NONE,
    resolutions: { byPerson: 0, falseAlarms: 0, falseAlarmRate: null },
    breaches: breaches(),
    ...o,
    tasks: { assigned: 0, accepted: 0, completed: 0, passed: 0, ...o.tasks },
  };
}

const range = (n: number, step = 1) => Array.from({ length: n }, (_, i) => (i + 1) * step);
const report = (o: Partial<Parameters<typeof slaReport>[0]>) =>
  slaReport({ facilityId: 'f1', from: FROM, to: TO, alerts: [], tasks: [], warnings: [], users: [], ...o });

describe('percentile (nearest rank)', () => {
  it.each([
    { samples: [], p: 50, want: null },
    { samples: [7], p: 50, want: 7 },
    { samples: [7], p: 90, want: 7 },
    { samples: [10, 20], p: 50, want: 10 }, // ⌈1⌉ = 1st
    { samples: [10, 20], p: 90, want: 20 }, // ⌈1.8⌉ = 2nd
    { samples: range(10, 100), p: 50, want: 500 }, // ⌈5⌉ = 5th
    { samples: range(10, 100), p: 90, want: 900 }, // ⌈9⌉ = 9th
    { samples: range(11), p: 90, want: 10 }, // ⌈9.9⌉ = 10th
    { samples: range(70), p: 90, want: 63 }, // ⌈63⌉ = 63rd
    { samples: range(100), p: 7, want: 7 }, // exact rank 7; 7 / 100 × 100 in floating point would give 8
    { samples: range(3), p: 100, want: 3 },
    { samples: range(3), p: 0, want: 1 }, // rank clamped to 1
  ])('p$p of $samples.length samples is $want', ({ samples, p, want }) => {
    expect(percentile(samples, p)).toBe(want);
  });
});

describe('durationStats', () => {
  it.each([
    { name: 'no samples: all null', samples: [], want: NONE },
    { name: 'one sample', samples: [5], want: stats(1, 5, 5, 5) },
    { name: 'two samples', samples: [40, 10], want: stats(2, 10, 40, 40) },
    { name: 'unsorted three', samples: [30, 10, 20], want: stats(3, 20, 30, 30) },
    { name: 'ten shuffled', samples: [7, 3, 10, 1, 9, 2, 8, 4, 6, 5], want: stats(10, 5, 9, 10) },
  ])('$name', ({ samples, want }) => {
    const before = [...samples];
    expect(durationStats(samples)).toEqual(want);
    expect(samples).toEqual(before); // input not sorted in place
  });
});

describe('slaReport window and facility filter', () => {
  // One of each item just before, at, inside, at the end of and just after [from, to], plus another facility.
  const starts = [
    { offset: -1, inside: false },
    { offset: 0, inside: true },
    { offset: 30 * MIN, inside: true },
    { offset: 60 * MIN, inside: true },
    { offset: 60 * MIN + 1, inside: false },
  ];
  const r = report({
    alerts: [
      ...starts.map((s, i) => alert(`a${i}`, s.offset)),
      alert('other', MIN, { facilityId: 'f2' }),
      // Raised inside, acknowledged long after `to`: still counts, with its full time.
      alert('late', 59 * MIN, { acknowledgedAt: at(90 * MIN), acknowledgedBy: 'ann' }),
    ],
    tasks: [...starts.map((s, i) => task(`t${i}`, s.offset)), task('other', MIN, { facilityId: 'f2' })],
    warnings: [
      ...starts.map((s, i) => warning(`w${i}`, s.offset, 'accept_overdue')),
      { ...warning('other', MIN, 'accept_overdue'), facilityId: 'f2' },
    ],
  });
  const inside = starts.filter((s) => s.inside).length;

  it.each([
    { what: 'alerts', got: () => r.facility.alerts.raised, want: inside + 1 },
    { what: 'tasks', got: () => r.facility.tasks.created, want: inside },
    { what: 'warnings', got: () => r.facility.breaches.total, want: inside },
  ])('counts only $what started in [from, to] (inclusive) of the facility', ({ got, want }) => {
    expect(got()).toBe(want);
  });

  it('credits an acknowledgement made after the window to the alert raised inside it', () => {
    expect(r.facility.timeToAcknowledge).toEqual(stats(1, 31 * MIN, 31 * MIN, 31 * MIN));
  });

  it('times the acknowledgement of a re-raised alert from its re-raise (contract §3.1)', () => {
    const again = alert('again', 0, { reraisedAt: at(50 * MIN), acknowledgedAt: at(51 * MIN), acknowledgedBy: 'ann' });
    expect(report({ alerts: [again] }).facility.timeToAcknowledge).toEqual(stats(1, MIN, MIN, MIN));
  });

  it('reports the window as ISO times', () => {
    expect([r.from, r.to]).toEqual(['2025-03-01T08:00:00.000Z', '2025-03-01T09:00:00.000Z']);
  });
});

describe('slaReport false-alarm rate', () => {
  const resolved = (outcomes: AlertOutcome[]) =>
    outcomes.map((outcome, i) =>
      alert(`a${i}`, i * S, { state: 'resolved', resolvedAt: at(i * S + MIN), resolvedBy: 'ann', outcome }),
    );
  it.each([
    { name: 'no alerts', alerts: [], byPerson: 0, falseAlarms: 0, rate: null, selfCleared: 0, cancelled: 0 },
    {
      name: 'unresolved only',
      alerts: [alert('a', 0)],
      byPerson: 0,
      falseAlarms: 0,
      rate: null,
      selfCleared: 0,
      cancelled: 0,
    },
    {
      name: 'platform outcomes only: excluded, so null',
      alerts: resolved(['self_cleared', 'cancelled', 'self_cleared']),
      ...{ byPerson: 0, falseAlarms: 0, rate: null, selfCleared: 2, cancelled: 1 },
    },
    {
      name: 'one of four person outcomes; self-cleared not in the denominator',
      alerts: resolved(['false_alarm', 'handled', 'transferred', 'no_action_needed', 'self_cleared', 'self_cleared']),
      ...{ byPerson: 4, falseAlarms: 1, rate: 0.25, selfCleared: 2, cancelled: 0 },
    },
    {
      name: 'all false alarms',
      alerts: resolved(['false_alarm', 'false_alarm', 'cancelled']),
      ...{ byPerson: 2, falseAlarms: 2, rate: 1, selfCleared: 0, cancelled: 1 },
    },
  ])('$name', ({ alerts, byPerson, falseAlarms, rate, selfCleared, cancelled }) => {
    const r = report({ alerts });
    expect(r.facility.resolutions).toEqual({ byPerson, falseAlarms, falseAlarmRate: rate });
    expect([r.facility.alerts.selfCleared, r.facility.alerts.cancelled]).toEqual([selfCleared, cancelled]);
  });
});

describe('slaReport facility, roles and staff', () => {
  const users: SlaReportUser[] = [
    { id: 'adm', name: 'Ada', role: 'admin' },
    { id: 'ann', name: 'Ann', role: 'caregiver' },
    { id: 'bob', name: 'Bob', role: 'caregiver' },
    { id: 'doc', name: 'Dr Doe', role: 'medical' },
    { id: 'fix', name: 'Fixer', role: 'maintenance' },
    { id: 'meg', name: 'Meg', role: 'manager' },
    { id: 'res', name: 'Rita', role: 'resident' },
    { id: 'idle', name: 'Ivy', role: 'caregiver' },
  ];
  const tasks = [
    // ann: accepts in 30 s, completes 270 s later.
    task('t1', 0, {
      assigneeId: 'ann',
      assignedAt: at(0),
      acceptedAt: at(30 * S),
      completedAt: at(5 * MIN),
      state: 'done',
    }),
    task('t2', MIN, { assigneeId: 'ann', assignedAt: at(MIN), acceptedAt: at(MIN + 90 * S), state: 'accepted' }),
    // ann passed; bob was assigned at 3 min, accepted 60 s later, completed 600 s after that.
    task('t3', 2 * MIN, {
      ...{ passedBy: ['ann'], assigneeId: 'bob', assignedAt: at(3 * MIN), state: 'done' },
      ...{ acceptedAt: at(4 * MIN), completedAt: at(14 * MIN) },
    }),
    // No assignedAt: time to accept runs from createdAt (120 s).
    task('t4', 5 * MIN, {
      kind: 'remote_consult',
      role: 'medical',
      assigneeId: 'doc',
      acceptedAt: at(7 * MIN),
      state: 'accepted',
    }),
    // Passed twice by the same person (counted once), now with nobody.
    task('t5', 6 * MIN, { kind: 'facility_maintenance', role: 'maintenance', passedBy: ['fix', 'fix'] }),
    task('t6', 7 * MIN, { assigneeId: 'ghost', assignedAt: at(7 * MIN), state: 'assigned' }),
    task('t7', 8 * MIN, { state: 'cancelled' }),
  ];
  const resolved = (by: string, outcome: AlertOutcome) => ({ state: 'resolved' as const, resolvedBy: by, outcome });
  const alerts = [
    alert('a1', 0, { acknowledgedAt: at(20 * S), acknowledgedBy: 'ann', ...resolved('ann', 'false_alarm') }),
    alert('a2', MIN, {
      priority: 'medium',
      acknowledgedAt: at(MIN + 40 * S),
      acknowledgedBy: 'bob',
      ...resolved('bob', 'handled'),
    }),
    alert('a3', 2 * MIN, { priority: 'low', ...resolved('system', 'self_cleared') }),
    // The resident cancelled: a platform outcome, credited to nobody.
    alert('a4', 3 * MIN, resolved('res', 'cancelled')),
    alert('a5', 4 * MIN, {
      priority: 'medium',
      acknowledgedAt: at(4 * MIN + 100 * S),
      acknowledgedBy: 'meg',
      ...resolved('meg', 'false_alarm'),
    }),
    alert('a6', 5 * MIN, {
      priority: 'low',
      state: 'acknowledged',
      acknowledgedAt: at(5 * MIN + 10 * S),
      acknowledgedBy: 'adm',
    }),
  ];
  const warnings = [
    warning('w1', 10 * MIN, 'accept_overdue', 'ann'),
    warning('w2', 11 * MIN, 'complete_overdue', 'bob'),
    warning('w3', 12 * MIN, 'alert_unacknowledged'),
    warning('w4', 13 * MIN, 'accept_overdue', 'ann'),
    warning('w5', 14 * MIN, 'no_staff_on_duty', 'meg'),
  ];
  const r = report({ alerts, tasks, warnings, users });

  it('uses valid contract objects as input', () => {
    for (const a of alerts) Alert.parse(a);
    for (const t of tasks) Task.parse(t);
    for (const w of warnings) SlaWarning.parse(w);
  });

  it('totals the facility', () => {
    expect(r.facility).toEqual({
      ...group({
        tasks: { assigned: 5, accepted: 4, completed: 2, passed: 2 },
        timeToAcknowledge: stats(4, 20 * S, 100 * S, 100 * S), // [10, 20, 40, 100] s
        timeToAccept: stats(4, 60 * S, 120 * S, 120 * S), // [30, 60, 90, 120] s
        timeToComplete: stats(2, 270 * S, 600 * S, 600 * S),
        resolutions: { byPerson: 3, falseAlarms: 2, falseAlarmRate: 2 / 3 },
        breaches: breaches({ accept_overdue: 2, complete_overdue: 1, alert_unacknowledged: 1, no_staff_on_duty: 1 }),
      }),
      alerts: { raised: 6, byPriority: { high: 2, medium: 2, low: 2 }, acknowledged: 4, selfCleared: 1, cancelled: 1 },
      tasks: {
        ...{ assigned: 5, accepted: 4, completed: 2, passed: 2, created: 7 },
        byKind: { onsite_check: 5, remote_consult: 1, facility_maintenance: 1 },
        byState: { open: 1, assigned: 1, accepted: 2, in_progress: 0, done: 2, cancelled: 1 },
      },
    });
  });

  it.each([
    {
      staffId: 'adm',
      ...{ name: 'Ada', role: 'admin' },
      ...group({ timeToAcknowledge: stats(1, 10 * S, 10 * S, 10 * S) }),
    },
    {
      ...{ staffId: 'ann', name: 'Ann', role: 'caregiver' },
      ...group({
        tasks: { assigned: 2, accepted: 2, completed: 1, passed: 1 },
        timeToAccept: stats(2, 30 * S, 90 * S, 90 * S),
        timeToComplete: stats(1, 270 * S, 270 * S, 270 * S),
        timeToAcknowledge: stats(1, 20 * S, 20 * S, 20 * S),
        resolutions: { byPerson: 1, falseAlarms: 1, falseAlarmRate: 1 },
        breaches: breaches({ accept_overdue: 2 }),
      }),
    },
    {
      ...{ staffId: 'bob', name: 'Bob', role: 'caregiver' },
      ...group({
        tasks: { assigned: 1, accepted: 1, completed: 1 },
        timeToAccept: stats(1, 60 * S, 60 * S, 60 * S),
        timeToComplete: stats(1, 600 * S, 600 * S, 600 * S),
        timeToAcknowledge: stats(1, 40 * S, 40 * S, 40 * S),
        resolutions: { byPerson: 1, falseAlarms: 0, falseAlarmRate: 0 },
        breaches: breaches({ complete_overdue: 1 }),
      }),
    },
    {
      ...{ staffId: 'doc', name: 'Dr Doe', role: 'medical' },
      ...group({ tasks: { assigned: 1, accepted: 1 }, timeToAccept: stats(1, 120 * S, 120 * S, 120 * S) }),
    },
    { staffId: 'fix', name: 'Fixer', role: 'maintenance', ...group({ tasks: { passed: 1 } }) },
    { staffId: 'ghost', name: null, role: null, ...group({ tasks: { assigned: 1 } }) },
    {
      ...{ staffId: 'meg', name: 'Meg', role: 'manager' },
      ...group({
        timeToAcknowledge: stats(1, 100 * S, 100 * S, 100 * S),
        resolutions: { byPerson: 1, falseAlarms: 1, falseAlarmRate: 1 },
        breaches: breaches({ no_staff_on_duty: 1 }),
      }),
    },
  ])('byStaff $staffId', (want) => {
    expect(r.byStaff.find((s) => s.staffId === want.staffId)).toEqual(want);
  });

  it('lists only staff with activity, by id (idle staff and a resident whose cancel is a platform outcome are omitted)', () => {
    expect(r.byStaff.map((s) => s.staffId)).toEqual(['adm', 'ann', 'bob', 'doc', 'fix', 'ghost', 'meg']);
  });

  it.each([
    {
      ...{ role: 'caregiver', staff: 2 },
      ...group({
        tasks: { assigned: 3, accepted: 3, completed: 2, passed: 1 },
        // Percentiles over the pooled samples of ann and bob, never an average of theirs.
        timeToAccept: stats(3, 60 * S, 90 * S, 90 * S), // [30, 60, 90] s: ranks ⌈1.5⌉ = 2, ⌈2.7⌉ = 3
        timeToComplete: stats(2, 270 * S, 600 * S, 600 * S),
        timeToAcknowledge: stats(2, 20 * S, 40 * S, 40 * S),
        resolutions: { byPerson: 2, falseAlarms: 1, falseAlarmRate: 0.5 },
        breaches: breaches({ accept_overdue: 2, complete_overdue: 1 }),
      }),
    },
    {
      ...{ role: 'medical', staff: 1 },
      ...group({ tasks: { assigned: 1, accepted: 1 }, timeToAccept: stats(1, 120 * S, 120 * S, 120 * S) }),
    },
    { role: 'maintenance', staff: 1, ...group({ tasks: { passed: 1 } }) },
    {
      ...{ role: 'manager', staff: 1 },
      ...group({
        timeToAcknowledge: stats(1, 100 * S, 100 * S, 100 * S),
        resolutions: { byPerson: 1, falseAlarms: 1, falseAlarmRate: 1 },
        breaches: breaches({ no_staff_on_duty: 1 }),
      }),
    },
    { role: 'admin', staff: 1, ...group({ timeToAcknowledge: stats(1, 10 * S, 10 * S, 10 * S) }) },
  ])('byRole $role', (want) => {
    expect(r.byRole.find((g) => g.role === want.role)).toEqual(want);
  });

  it('orders roles staff first, then others with activity (admin), never idle others (resident)', () => {
    expect(r.byRole.map((g) => g.role)).toEqual(['caregiver', 'medical', 'maintenance', 'manager', 'admin']);
  });

  it('parses with the SlaReport schema', () => {
    expect(SlaReport.parse(r)).toEqual(r);
  });
});

describe('slaReport edge cases', () => {
  it('an empty window lists the four staff roles zeroed, no staff, and parses', () => {
    const r = report({ users: [{ id: 'ann', name: 'Ann', role: 'caregiver' }] });
    expect(r.byStaff).toEqual([]);
    expect(r.byRole).toEqual(
      ['caregiver', 'medical', 'maintenance', 'manager'].map((role) => ({ role, staff: 0, ...group() })),
    );
    expect(r.facility.resolutions.falseAlarmRate).toBeNull();
    expect(r.facility.timeToAccept).toEqual(NONE);
    expect(SlaReport.parse(r)).toEqual(r);
  });

  it('clamps a negative duration (clock skew) to 0', () => {
    const t = task('t', MIN, { assigneeId: 'ann', assignedAt: at(MIN), acceptedAt: at(MIN - S), state: 'accepted' });
    expect(report({ tasks: [t] }).facility.timeToAccept).toEqual(stats(1, 0, 0, 0));
  });

  it('rejects a malformed report in the schema (negative count)', () => {
    const r = report({});
    expect(
      SlaReport.safeParse({ ...r, facility: { ...r.facility, timeToAccept: { ...NONE, count: -1 } } }).success,
    ).toBe(false);
  });
});
