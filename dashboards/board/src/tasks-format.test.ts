import type { SlaWarning, Task } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import {
  compareTasks,
  compareWarnings,
  consultView,
  countdown,
  dueOf,
  inMyTasks,
  isNewerTask,
  loadText,
  openLoad,
  span,
  stepsFor,
  TASK_KIND_LABEL,
} from './tasks-format.ts';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function task(over: Partial<Task> = {}): Task {
  return {
    id: 'tk1',
    facilityId: 'f1',
    kind: 'onsite_check',
    role: 'caregiver',
    priority: 'high',
    state: 'assigned',
    alertId: 'al1',
    residentId: 'r1',
    assigneeId: 'carol',
    createdAt: iso(T0),
    assignedAt: iso(T0),
    acceptBy: iso(T0 + 120_000),
    completeBy: iso(T0 + 900_000),
    escalationLevel: 0,
    ...over,
  };
}

describe('labels', () => {
  it('names every task kind and SLA kind in words', () => {
    expect(TASK_KIND_LABEL).toEqual({
      onsite_check: 'On-site check',
      remote_consult: 'Remote consult',
      facility_maintenance: 'Maintenance',
    });
  });
});

describe('span', () => {
  it('keeps seconds under ten minutes, where they matter for a deadline', () => {
    expect(span(0)).toBe('0 s');
    expect(span(45_400)).toBe('45 s');
    expect(span(60_000)).toBe('1 min');
    expect(span(80_000)).toBe('1 min 20 s');
    expect(span(9 * 60_000 + 59_000)).toBe('9 min 59 s');
    expect(span(12 * 60_000 + 30_000)).toBe('12 min');
    expect(span(65 * 60_000)).toBe('1 h 5 min');
    expect(span(Number.NaN)).toBe('unknown');
  });
});

describe('dueOf and countdown', () => {
  it('counts down to accept-by until accepted, then to complete-by; nothing once closed', () => {
    expect(dueOf(task({ state: 'assigned' }))).toEqual({ verb: 'Accept', at: T0 + 120_000 });
    expect(dueOf(task({ state: 'open' }))?.verb).toBe('Accept');
    expect(dueOf(task({ state: 'accepted' }))).toEqual({ verb: 'Complete', at: T0 + 900_000 });
    expect(dueOf(task({ state: 'in_progress' }))?.verb).toBe('Complete');
    expect(dueOf(task({ state: 'done' }))).toBeUndefined();
    expect(dueOf(task({ state: 'cancelled' }))).toBeUndefined();
  });

  it('says how long is left, or how far overdue', () => {
    const due = { verb: 'Accept' as const, at: T0 + 120_000 };
    expect(countdown(due, T0 + 40_000)).toEqual({ text: 'Accept within 1 min 20 s', overdue: false, soon: false });
    expect(countdown(due, T0 + 100_000)).toEqual({ text: 'Accept within 20 s', overdue: false, soon: true });
    expect(countdown(due, T0 + 120_000)).toEqual({ text: 'Accept overdue by 0 s', overdue: true, soon: false });
    expect(countdown(due, T0 + 165_000)).toEqual({ text: 'Accept overdue by 45 s', overdue: true, soon: false });
    expect(countdown({ verb: 'Complete', at: Number.NaN }, T0)).toEqual({
      text: 'Complete by: unknown',
      overdue: false,
      soon: false,
    });
  });
});

describe('stepsFor', () => {
  it('offers the next steps of the lifecycle to the assignee', () => {
    expect(stepsFor({ state: 'assigned' }, true)).toEqual({ steps: ['accept'], decline: true });
    expect(stepsFor({ state: 'accepted' }, true)).toEqual({ steps: ['start', 'complete'], decline: false });
    expect(stepsFor({ state: 'in_progress' }, true)).toEqual({ steps: ['complete'], decline: false });
    expect(stepsFor({ state: 'done' }, true)).toEqual({ steps: [], decline: false });
    expect(stepsFor({ state: 'cancelled' }, true)).toEqual({ steps: [], decline: false });
  });

  it('lets anyone of the role take an open task, and nobody act on someone else’s', () => {
    expect(stepsFor({ state: 'open' }, false)).toEqual({ steps: ['accept'], decline: false });
    expect(stepsFor({ state: 'assigned' }, false)).toEqual({ steps: [], decline: false });
    expect(stepsFor({ state: 'accepted' }, false)).toEqual({ steps: [], decline: false });
  });
});

describe('inMyTasks', () => {
  const carol = { id: 'carol', role: 'caregiver' as const };
  it('shows own tasks and open ones of the role the user has not passed on', () => {
    expect(inMyTasks(task(), carol)).toBe(true);
    expect(inMyTasks(task({ state: 'done' }), carol)).toBe(true);
    expect(inMyTasks(task({ assigneeId: 'dave' }), carol)).toBe(false);
    const open = task({ state: 'open', assigneeId: undefined });
    expect(inMyTasks(open, carol)).toBe(true);
    expect(inMyTasks({ ...open, role: 'medical' }, carol)).toBe(false);
    expect(inMyTasks({ ...open, passedBy: ['carol'] }, carol)).toBe(false);
  });

  it('shows a manager only what was handed to them', () => {
    const mgr = { id: 'mia', role: 'manager' as const };
    expect(inMyTasks(task({ assigneeId: 'mia' }), mgr)).toBe(true);
    expect(inMyTasks(task({ state: 'open', assigneeId: undefined }), mgr)).toBe(false);
  });
});

describe('compareTasks', () => {
  it('puts own tasks first, then open ones, then closed; each by priority, then accept-by', () => {
    const list = [
      task({ id: 'open-high', state: 'open', assigneeId: undefined }),
      task({ id: 'mine-low', priority: 'low' }),
      task({ id: 'done-high', state: 'done' }),
      task({ id: 'mine-high-later', acceptBy: iso(T0 + 300_000) }),
      task({ id: 'mine-high-sooner', acceptBy: iso(T0 + 60_000) }),
    ];
    expect(list.sort(compareTasks('carol')).map((t) => t.id)).toEqual([
      'mine-high-sooner',
      'mine-high-later',
      'mine-low',
      'open-high',
      'done-high',
    ]);
  });
});

describe('isNewerTask', () => {
  it('follows the lifecycle forward and never back', () => {
    const assigned = task();
    const accepted = task({ state: 'accepted', acceptedAt: iso(T0 + 10_000) });
    const started = task({ state: 'in_progress', startedAt: iso(T0 + 20_000) });
    const done = task({ state: 'done' });
    expect(isNewerTask(accepted, assigned)).toBe(true);
    expect(isNewerTask(assigned, accepted)).toBe(false);
    expect(isNewerTask(started, accepted)).toBe(true);
    expect(isNewerTask(done, started)).toBe(true);
    expect(isNewerTask(task({ state: 'cancelled' }), assigned)).toBe(true);
  });

  it('treats a reassignment, an escalation or a raised priority as newer', () => {
    const a = task();
    expect(isNewerTask(task({ assigneeId: 'dave', passedBy: ['carol'] }), a)).toBe(true);
    expect(isNewerTask(task({ escalationLevel: 1 }), a)).toBe(true);
    expect(isNewerTask(task({ priority: 'high' }), task({ priority: 'medium' }))).toBe(true);
    expect(isNewerTask(task({ assignedAt: iso(T0 + 1) }), a)).toBe(true);
    expect(isNewerTask(a, a)).toBe(false);
  });

  it('a passed-on task that found nobody (open again) is newer than the assignment it replaced', () => {
    expect(isNewerTask(task({ state: 'open', assigneeId: undefined, passedBy: ['carol'] }), task())).toBe(true);
  });
});

describe('SLA warnings', () => {
  const w = (over: Partial<SlaWarning>): SlaWarning => ({
    id: 'w1',
    facilityId: 'f1',
    kind: 'accept_overdue',
    limitMs: 60_000,
    detail: 'onsite_check not accepted within 1 min',
    raisedAt: iso(T0),
    ...over,
  });

  it('orders newest first', () => {
    const list = [w({ id: 'a', raisedAt: iso(T0) }), w({ id: 'b', raisedAt: iso(T0 + 1000) })];
    expect(list.sort(compareWarnings).map((x) => x.id)).toEqual(['b', 'a']);
  });
});

describe('load', () => {
  it('reads a count, counts by state, or a total', () => {
    expect(openLoad(2)).toBe(2);
    expect(openLoad({ assigned: 1, accepted: 1, in_progress: 1 })).toBe(3);
    expect(openLoad({ total: 4, assigned: 4 })).toBe(4);
    expect(openLoad(undefined)).toBeUndefined();
    expect(openLoad('x')).toBeUndefined();
    expect(loadText(0)).toBe('no open tasks');
    expect(loadText(1)).toBe('1 open task');
    expect(loadText(3)).toBe('3 open tasks');
    expect(loadText(undefined)).toBe('load unknown');
  });
});

describe('consultView', () => {
  const context = {
    alert: { id: 'al1', kind: 'news2', title: 'NEWS2 9: emergency assessment', explanation: {} },
    latest: {
      hr: { v: 128, at: iso(T0 - 60_000) },
      spo2: { v: 91, at: iso(T0 - 60_000) },
      rr: { v: 26, at: iso(T0 - 60_000) },
      sbp: { v: 125, at: iso(T0 - 1_800_000) },
      dbp: { v: 81, at: iso(T0 - 1_800_000) },
      temp: { v: 38.4, at: iso(T0 - 60_000) },
      battery: { v: 80, at: iso(T0) },
    },
    news2: {
      score: 9,
      risk: 'high',
      partial: false,
      missing: [],
      subscores: { rr: 3, spo2: 3, air: 0, sbp: 0, hr: 2, consciousness: 0, temp: 1 },
      at: iso(T0),
    },
    trend: {
      from: iso(T0 - 3_600_000),
      to: iso(T0),
      vitals: {
        hr: { min: 88, mean: 108.4, max: 128, samples: 2, outOfRangeMs: 60_000, outOfRangePct: 3.3 },
        temp: { min: 37.2, mean: 37.8, max: 38.4, samples: 2, outOfRangeMs: 0, outOfRangePct: 0 },
        spo2: { min: 91, mean: 93, max: 95, samples: 2, outOfRangeMs: 1, outOfRangePct: 0.2 },
      },
      worstNews2: { score: 9, risk: 'high', partial: false, missing: [], subscores: {}, at: iso(T0) },
    },
    carePlan: { onOxygen: true, thresholds: { hr: { high: 110 } } },
  };

  it('reads the latest vitals, NEWS2 with sub-scores and the hour’s trend', () => {
    const v = consultView(context);
    expect(v?.alertTitle).toBe('NEWS2 score 9: needs emergency assessment');
    expect(v?.latest.map((l) => `${l.label} ${l.value}`)).toEqual([
      'HR 128 bpm',
      'SpO2 91%',
      'RR 26 /min',
      'BP 125/81 mmHg',
      'Temp 38.4 °C',
    ]);
    expect(v?.latest[0]?.at).toBe(T0 - 60_000);
    expect(v?.news2).toEqual({
      score: 9,
      risk: 'high',
      text: 'NEWS2 9 · high risk',
      subscores: 'RR 3 · SpO2 3 · Oxygen 0 · Systolic BP 0 · HR 2 · Alertness 0 · Temp 1',
    });
    expect(v?.trend).toEqual([
      { key: 'hr', label: 'HR', range: '88–128 bpm', mean: '108 bpm', outOfRange: '3%', samples: 2 },
      { key: 'spo2', label: 'SpO2', range: '91–95%', mean: '93%', outOfRange: '<1%', samples: 2 },
      { key: 'temp', label: 'Temp', range: '37.2–38.4 °C', mean: '37.8 °C', outOfRange: '0%', samples: 2 },
    ]);
    expect(v?.worstNews2).toBe('Worst in the hour: NEWS2 9 · high risk');
    expect(v?.carePlan).toEqual(['On supplemental oxygen', 'Own alert limits for HR']);
  });

  it('says partial NEWS2 and tolerates a thin or missing context', () => {
    const partial = consultView({
      news2: { score: 2, risk: 'low', partial: true, missing: ['air', 'consciousness'], subscores: { spo2: 2 } },
    });
    expect(partial?.news2?.text).toBe('NEWS2 2 · low risk · 5 of 7 signs measured');
    expect(partial?.news2?.subscores).toBe('SpO2 2');
    expect(consultView({ alert: { title: 'x' }, latest: {}, news2: null })).toEqual({
      alertTitle: 'x',
      latest: [],
      trend: [],
      carePlan: [],
    });
    expect(consultView(undefined)).toBeUndefined();
  });
});
