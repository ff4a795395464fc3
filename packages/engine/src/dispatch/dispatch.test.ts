import type { Task } from '@vigil/contracts';
import { silentLogger } from '@vigil/runtime';
import { beforeEach, describe, expect, it } from 'vitest';
import { RuleSettingsService } from '../rules/rule-settings-service.ts';
import {
  actor,
  MIN,
  passTime,
  raise,
  S,
  secondEngine,
  taskEvents,
  tasksOf,
  type World,
  warnings,
  world,
} from './dispatch.fixture.ts';
import { createDispatchSystem } from './dispatch-system.ts';

describe('dispatch policy and roster', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('sends an on-site check to an on-duty caregiver of the zone, least loaded first', async () => {
    const a = await raise(w);
    const [t] = await tasksOf(w, a.id);
    expect(t).toMatchObject({
      kind: 'onsite_check',
      role: 'caregiver',
      state: 'assigned',
      assigneeId: 'carer-e1',
      priority: 'high',
    });
    expect(t?.acceptBy).toBe(new Date(w.clock.now() + 2 * MIN).toISOString());
    expect(taskEvents(w, t?.id ?? '')).toEqual(['task.created', 'task.assigned']);
    const b = await raise(w, { residentId: 'r2', kind: 'fall', title: 'Fall' });
    expect((await tasksOf(w, b.id))[0]?.assigneeId).toBe('carer-e2');
  });

  it('falls back to a neighbouring zone, then to the manager with an SLA warning', async () => {
    for (const id of ['carer-e1', 'carer-e2']) {
      const u = (await w.stores.users.get(id))!;
      await w.stores.users.put({ ...u, onDuty: false });
    }
    const a = await raise(w);
    expect((await tasksOf(w, a.id))[0]?.assigneeId).toBe('carer-w');
    const u = (await w.stores.users.get('carer-w'))!;
    await w.stores.users.put({ ...u, onDuty: false });
    const v = (await w.stores.users.get('carer-v'))!;
    await w.stores.users.put({ ...v, onDuty: false });
    const b = await raise(w, { residentId: 'r2', kind: 'fall', title: 'Fall' });
    expect((await tasksOf(w, b.id))[0]).toMatchObject({ assigneeId: 'manager', state: 'assigned' });
    expect(await warnings(w)).toMatchObject([{ kind: 'no_staff_on_duty', staffId: 'manager', alertId: b.id }]);
  });

  it('opens a remote consult with a vitals snapshot for NEWS2 high', async () => {
    const now = w.clock.now();
    await w.stores.vitals.append('r1', {
      ts: now - 30 * MIN,
      hr: 88,
      spo2: 95,
      rr: 18,
      temp: 37.2,
      sbp: 125,
      consciousness: 'A',
    });
    await w.stores.vitals.append('r1', { ts: now - MIN, hr: 128, spo2: 91, rr: 26, temp: 38.4 });
    const a = await raise(w, { kind: 'news2', title: 'NEWS2 9: emergency assessment' });
    const tasks = await tasksOf(w, a.id);
    expect(tasks.map((t) => [t.kind, t.assigneeId])).toEqual([
      ['onsite_check', 'carer-e1'],
      ['remote_consult', 'doctor'],
    ]);
    const ctx = tasks[1]?.context as {
      latest: Record<string, unknown>;
      news2: unknown;
      trend: { vitals: Record<string, unknown> };
      alert: unknown;
    };
    expect(ctx.latest.hr).toMatchObject({ v: 128 });
    expect(ctx.news2).toMatchObject({ subscores: { hr: 2, spo2: 3, rr: 3 } });
    expect(ctx.trend.vitals.hr).toMatchObject({ min: 88, max: 128, samples: 2 });
    expect(ctx.alert).toMatchObject({ kind: 'news2', title: 'NEWS2 9: emergency assessment' });
  });

  it('sends maintenance for smoke, and a caregiver to move residents', async () => {
    const a = await raise(w, { residentId: undefined, deviceId: 's1', kind: 'facility.smoke', title: 'Smoke' });
    expect((await tasksOf(w, a.id)).map((t) => [t.kind, t.assigneeId])).toEqual([
      ['facility_maintenance', 'fixer'],
      ['onsite_check', 'carer-e1'],
    ]);
    const leak = await raise(w, {
      residentId: undefined,
      deviceId: 's2',
      kind: 'facility.water_leak',
      priority: 'medium',
      title: 'Leak',
    });
    expect((await tasksOf(w, leak.id)).map((t) => t.kind)).toEqual(['facility_maintenance']);
  });

  it('follows a rise in priority and cancels tasks when the alert is resolved', async () => {
    const a = await raise(w, { kind: 'vital.spo2_low', priority: 'medium', title: 'SpO2 low' });
    expect((await tasksOf(w, a.id)).map((t) => t.kind)).toEqual(['onsite_check']);
    await raise(w, { kind: 'vital.spo2_low', priority: 'high', title: 'SpO2 low: 88 %' });
    const tasks = await tasksOf(w, a.id);
    expect(tasks.map((t) => [t.kind, t.priority])).toEqual([
      ['onsite_check', 'high'],
      ['remote_consult', 'high'],
    ]);
    await w.d.tasks.accept(tasks[0]?.id ?? '', actor('carer-e1', 'caregiver'));
    await w.alerts.resolve(a.id, 'carer-e1', 'handled');
    await w.d.dispatcher.idle();
    expect((await tasksOf(w, a.id)).map((t) => t.state)).toEqual(['cancelled', 'cancelled']);
  });

  it('keeps a check under way when the condition clears by itself', async () => {
    const a = await raise(w, { kind: 'vital.hr_high', priority: 'medium', title: 'HR high', conditionHolds: true });
    const [t] = await tasksOf(w, a.id);
    await w.d.tasks.accept(t?.id ?? '', actor('carer-e1', 'caregiver'));
    await w.alerts.conditionCleared('f1', 'r1', 'vital.hr_high', w.clock.now());
    await w.d.dispatcher.idle();
    expect((await tasksOf(w, a.id))[0]?.state).toBe('accepted');
  });
});

describe('several engines on one store', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('every engine handles each alert event, and the tasks exist once', async () => {
    const other = secondEngine(w);
    const a = await raise(w, { kind: 'vital.spo2_low', priority: 'medium', title: 'SpO2 low' });
    await other.dispatcher.idle();
    expect((await tasksOf(w, a.id)).map((t) => t.kind)).toEqual(['onsite_check']);
    await raise(w, { kind: 'vital.spo2_low', priority: 'high', title: 'SpO2 low: 88 %' });
    await other.dispatcher.idle();
    const tasks = await tasksOf(w, a.id);
    expect(tasks.map((t) => [t.kind, t.priority])).toEqual([
      ['onsite_check', 'high'],
      ['remote_consult', 'high'],
    ]);
    // The rise in priority was told once, not once per engine.
    expect(taskEvents(w, tasks[0]?.id ?? '').filter((t) => t === 'task.escalated')).toHaveLength(1);
  });

  it('a lagging engine that handles `alert.raised` after the alert was resolved creates nothing', async () => {
    const a = await raise(w);
    await w.alerts.resolve(a.id, 'manager', 'handled');
    await w.d.dispatcher.idle();
    const raised = w.events.find((e) => e.event === 'alert' && e.envelope.type === 'alert.raised');
    if (raised?.event !== 'alert') throw new Error('no alert.raised event');
    await secondEngine(w).dispatcher.onAlert(raised);
    expect((await tasksOf(w, a.id)).map((t) => t.state)).toEqual(['cancelled']);
    expect((await w.stores.deadlines.list()).filter((d) => d.alertId === a.id && d.kind === 'alert_ack')).toEqual([]);
  });
});

describe('closed loop', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('walks accept → start → complete with timestamps and refuses the wrong person or role', async () => {
    const a = await raise(w);
    const [t] = await tasksOf(w, a.id);
    const id = t?.id ?? '';
    await expect(w.d.tasks.accept(id, actor('carer-e2', 'caregiver'))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(w.d.tasks.accept(id, actor('doctor', 'medical'))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(w.d.tasks.start(id, actor('carer-e1', 'caregiver'))).rejects.toMatchObject({ code: 'illegal_state' });
    w.clock.advance(20 * S);
    const accepted = await w.d.tasks.accept(id, actor('carer-e1', 'caregiver'), 'on my way');
    expect(accepted).toMatchObject({
      state: 'accepted',
      note: 'on my way',
      completeBy: new Date(w.clock.now() + 15 * MIN).toISOString(),
    });
    await w.d.tasks.start(id, actor('carer-e1', 'caregiver'));
    const done = await w.d.tasks.complete(id, actor('carer-e1', 'caregiver'), 'resident fine');
    expect(done).toMatchObject({ state: 'done', note: 'resident fine' });
    expect(taskEvents(w, id)).toEqual([
      'task.created',
      'task.assigned',
      'task.accepted',
      'task.started',
      'task.completed',
    ]);
    await expect(w.d.tasks.complete(id, actor('carer-e1', 'caregiver'))).rejects.toMatchObject({
      code: 'illegal_state',
    });
    await expect(w.d.tasks.accept('nope', actor('carer-e1', 'caregiver'))).rejects.toMatchObject({ code: 'not_found' });
    // Nothing fires afterwards: every limit of the task was cancelled.
    await passTime(w, 30 * MIN, MIN);
    expect(await warnings(w)).toEqual([expect.objectContaining({ kind: 'alert_unacknowledged', alertId: a.id })]);
  });

  it('reassigns on decline, never back to who declined, then goes to the manager', async () => {
    const a = await raise(w);
    let [t] = await tasksOf(w, a.id);
    const id = t?.id ?? '';
    t = await w.d.tasks.decline(id, actor('carer-e1', 'caregiver'), 'with another resident');
    expect(t).toMatchObject({ assigneeId: 'carer-e2', passedBy: ['carer-e1'], state: 'assigned' });
    t = await w.d.tasks.decline(id, actor('carer-e2', 'caregiver'));
    expect(t.assigneeId).toBe('carer-w');
    t = await w.d.tasks.decline(id, actor('carer-w', 'caregiver'));
    expect(t.assigneeId).toBe('carer-v');
    t = await w.d.tasks.decline(id, actor('carer-v', 'caregiver'));
    expect(t.assigneeId).toBe('manager');
    expect(taskEvents(w, id).filter((e) => e === 'task.reassigned')).toHaveLength(4);
    expect((await warnings(w)).map((x) => x.kind)).toEqual(['no_staff_on_duty']);
    await expect(w.d.tasks.decline(id, actor('carer-e1', 'caregiver'))).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('records delivery when the assignee board shows the alert', async () => {
    const a = await raise(w);
    await w.d.tasks.delivered(a.id, 'carer-e2');
    expect((await tasksOf(w, a.id))[0]?.deliveredAt).toBeUndefined();
    w.clock.advance(3 * S);
    await w.d.tasks.delivered(a.id, 'carer-e1');
    expect((await tasksOf(w, a.id))[0]?.deliveredAt).toBe(new Date(w.clock.now()).toISOString());
  });
});

describe('escalation and SLA warnings (fake clock)', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('escalates an unaccepted task: next caregiver → manager → medical, per the policy', async () => {
    const a = await raise(w);
    const id = (await tasksOf(w, a.id))[0]?.id ?? '';
    await passTime(w, 60 * S);
    let t = (await w.stores.tasks.get(id)) as Task;
    expect(t).toMatchObject({ assigneeId: 'carer-e2', escalationLevel: 1, passedBy: ['carer-e1'] });
    await passTime(w, 2 * MIN);
    t = (await w.stores.tasks.get(id)) as Task;
    expect(t).toMatchObject({ assigneeId: 'carer-e2', escalationLevel: 2 });
    await passTime(w, 3 * MIN);
    t = (await w.stores.tasks.get(id)) as Task;
    expect(t.escalationLevel).toBe(3);
    expect((await tasksOf(w, a.id)).map((x) => [x.kind, x.assigneeId])).toEqual([
      ['onsite_check', 'carer-e2'],
      ['remote_consult', 'doctor'],
    ]);
    expect(taskEvents(w, id)).toEqual([
      'task.created',
      'task.assigned',
      'task.reassigned',
      'task.escalated',
      'task.escalated',
    ]);
    // Accept limit (2 min) passed for carer-e2 after the reassignment: one warning naming them.
    const overdue = (await warnings(w)).filter((x) => x.kind === 'accept_overdue');
    expect(overdue).toMatchObject([{ staffId: 'carer-e2', taskId: id, limitMs: 2 * MIN }]);
    // Nothing more once the chain is exhausted.
    const before = w.events.length;
    await passTime(w, 30 * MIN, MIN);
    expect(w.events.slice(before).filter((e) => e.event === 'task' && e.envelope.data.id === id)).toEqual([]);
  });

  it('warns once when an alert is not acknowledged in time, and escalates the alert', async () => {
    const a = await raise(w);
    await passTime(w, 59 * S, S);
    expect(await warnings(w)).toEqual([]);
    await passTime(w, 2 * S, S);
    const [warning] = await warnings(w);
    expect(warning).toMatchObject({ kind: 'alert_unacknowledged', alertId: a.id, limitMs: 60_000, actualMs: 60_000 });
    expect((await w.stores.alerts.get(a.id))?.escalationLevel).toBe(1);
    expect(w.events.filter((e) => e.event === 'alert').map((e) => e.envelope.type)).toContain('alert.escalated');
    await passTime(w, 10 * MIN, MIN);
    expect((await warnings(w)).filter((x) => x.kind === 'alert_unacknowledged')).toHaveLength(1);
    expect(w.events.filter((e) => e.event === 'sla' && e.envelope.data.kind === 'alert_unacknowledged')).toHaveLength(
      1,
    );
  });

  it('does not warn for an alert acknowledged in time', async () => {
    const a = await raise(w, { kind: 'vital.hr_high', priority: 'medium', title: 'HR high' });
    await passTime(w, 4 * MIN, MIN);
    await w.alerts.acknowledge(a.id, 'carer-e1');
    await w.d.dispatcher.idle();
    await passTime(w, 10 * MIN, MIN);
    expect((await warnings(w)).filter((x) => x.kind === 'alert_unacknowledged')).toEqual([]);
  });

  it('warns when an accepted task is not completed in time', async () => {
    const a = await raise(w);
    const id = (await tasksOf(w, a.id))[0]?.id ?? '';
    await w.alerts.acknowledge(a.id, 'carer-e1');
    await w.d.tasks.accept(id, actor('carer-e1', 'caregiver'));
    await passTime(w, 15 * MIN + S, MIN);
    expect(await warnings(w)).toMatchObject([
      { kind: 'complete_overdue', staffId: 'carer-e1', taskId: id, limitMs: 15 * MIN },
    ]);
  });

  it('warns when the same person is overdue 3 times within the window, once', async () => {
    for (const id of ['carer-e2', 'carer-w', 'carer-v']) {
      const u = (await w.stores.users.get(id))!;
      await w.stores.users.put({ ...u, onDuty: false });
    }
    await w.d.policy.update('f1', { escalation: [] }, 'manager');
    for (let i = 0; i < 4; i++) {
      await raise(w, { residentId: i % 2 ? 'r1' : 'r2', kind: 'fall', title: `Fall ${i}` });
      await passTime(w, 3 * MIN, MIN);
      const open = await w.stores.alerts.list({ state: 'open' });
      for (const x of open) await w.alerts.resolve(x.id, 'manager', 'handled');
      await w.d.dispatcher.idle();
    }
    const repeated = (await warnings(w)).filter((x) => x.kind === 'staff_repeated_overdue');
    expect(repeated).toMatchObject([{ staffId: 'carer-e1', count: 3, limitMs: 8 * 60 * MIN }]);
    expect((await warnings(w)).filter((x) => x.kind === 'accept_overdue' && x.staffId === 'carer-e1')).toHaveLength(4);
  });

  it('warns when consult responses exceed their threshold 3 times in a row', async () => {
    const respond = async (delayMs: number, resident: string) => {
      const a = await raise(w, { residentId: resident, kind: 'news2', title: 'NEWS2 8' });
      const consult = (await tasksOf(w, a.id)).find((t) => t.kind === 'remote_consult');
      w.clock.advance(delayMs);
      await w.d.tasks.accept(consult?.id ?? '', actor('doctor', 'medical'));
      await w.alerts.resolve(a.id, 'doctor', 'handled');
      await w.d.dispatcher.idle();
    };
    await respond(11 * MIN, 'r1');
    await respond(12 * MIN, 'r2');
    await respond(2 * MIN, 'r3'); // a quick one breaks the streak
    await respond(11 * MIN, 'r1');
    await respond(15 * MIN, 'r2');
    expect((await warnings(w)).filter((x) => x.kind === 'consult_response_streak')).toEqual([]);
    await respond(20 * MIN, 'r3');
    expect((await warnings(w)).filter((x) => x.kind === 'consult_response_streak')).toMatchObject([
      { count: 3, limitMs: 10 * MIN, actualMs: 20 * MIN, staffId: 'doctor' },
    ]);
  });
});

describe('durable deadlines', () => {
  it('fires a deadline that passed while the platform was down exactly once, at start', async () => {
    const w = await world();
    const a = await raise(w);
    await w.d.stop();
    // Down for 5 minutes: nothing ticks.
    w.clock.advance(5 * MIN);
    const ruleSettings = new RuleSettingsService({ store: w.stores.ruleSettings, clock: w.clock });
    const restarted = createDispatchSystem({
      stores: w.stores,
      alerts: w.alerts,
      ruleSettings,
      clock: w.clock,
      logger: silentLogger(),
    });
    await Promise.all([restarted.deadlines.tick(), w.d.deadlines.tick(), restarted.deadlines.tick()]);
    const unacked = (await w.stores.slaWarnings.list()).filter((x) => x.kind === 'alert_unacknowledged');
    expect(unacked).toHaveLength(1);
    expect(unacked[0]).toMatchObject({ alertId: a.id, actualMs: 5 * MIN });
    expect(w.events.filter((e) => e.event === 'sla' && e.envelope.data.kind === 'alert_unacknowledged')).toHaveLength(
      1,
    );
  });

  it('fires on the injected clock once started, without anyone calling tick', async () => {
    const w = await world();
    w.d.start(S);
    await raise(w);
    for (let i = 0; i < 62; i++) {
      w.clock.advance(S);
      await new Promise((r) => setImmediate(r));
    }
    expect((await w.stores.slaWarnings.list()).map((x) => x.kind)).toContain('alert_unacknowledged');
    await w.d.stop();
  });
});
