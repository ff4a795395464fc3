import { beforeEach, describe, expect, it } from 'vitest';
import {
  actor,
  MIN,
  passTime,
  raise,
  S,
  secondEngine,
  tasksOf,
  type World,
  warnings,
  world,
} from './dispatch.fixture.ts';
import { reraiseNeeds } from './dispatcher.ts';

const carer = actor('carer-e1', 'caregiver');

/** Accept and complete the alert's only task (the caregiver went and saw the resident). */
async function finishTask(w: World, alertId: string) {
  const [t] = await tasksOf(w, alertId);
  await w.d.tasks.accept(t?.id ?? '', actor(t?.assigneeId ?? '', 'caregiver'));
  await w.d.tasks.complete(t?.id ?? '', actor(t?.assigneeId ?? '', 'caregiver'));
}

const unacknowledged = async (w: World) => (await warnings(w)).filter((x) => x.kind === 'alert_unacknowledged');
const ackDeadline = async (w: World, alertId: string) =>
  (await w.stores.deadlines.list()).find((d) => d.alertId === alertId && d.kind === 'alert_ack');

describe('re-raise (contract §3.1)', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('a new SOS after the check was done: one new on-site task, a new deadline, the escalation chain again', async () => {
    const other = secondEngine(w);
    const a = await raise(w);
    await w.alerts.acknowledge(a.id, 'carer-e1');
    await finishTask(w, a.id);
    await passTime(w, 5 * MIN, MIN);
    const again = await raise(w);
    await other.dispatcher.idle();
    expect(again).toMatchObject({ id: a.id, state: 'active', occurrences: 2 });
    const tasks = await tasksOf(w, a.id);
    expect(tasks.map((t) => t.state).sort()).toEqual(['assigned', 'done']);
    expect(tasks.find((t) => t.state === 'assigned')?.createdAt).toBe(again.reraisedAt);
    // A new acknowledgement limit, counted from the re-raise (high: 1 min).
    expect((await ackDeadline(w, a.id))?.dueAt).toBe(Date.parse(again.reraisedAt ?? '') + MIN);
    await passTime(w, 59 * S, S);
    expect(await unacknowledged(w)).toEqual([]);
    await passTime(w, 2 * S, S);
    expect(await unacknowledged(w)).toMatchObject([{ alertId: a.id, actualMs: MIN }]);
    expect((await w.stores.alerts.get(a.id))?.escalationLevel).toBe(1);
    // Handled by both engines, still one new task and one warning.
    await other.dispatcher.idle();
    expect(await tasksOf(w, a.id)).toHaveLength(2);
    await other.deadlines.tick();
    expect(await unacknowledged(w)).toHaveLength(1);
  });

  it('each unanswered call warns and escalates: the chain restarts after the acknowledgement', async () => {
    const a = await raise(w);
    await passTime(w, 70 * S, 10 * S);
    expect((await w.stores.alerts.get(a.id))?.escalationLevel).toBe(1);
    await w.alerts.acknowledge(a.id, 'carer-e1');
    await w.d.dispatcher.idle();
    expect(await ackDeadline(w, a.id)).toBeUndefined();
    await passTime(w, MIN);
    const again = await raise(w);
    expect(again).toMatchObject({ state: 'active', escalationLevel: 0 });
    await passTime(w, 70 * S, 10 * S);
    const warned = await unacknowledged(w);
    expect(warned).toHaveLength(2);
    expect(new Set(warned.map((x) => x.id)).size).toBe(2);
    expect((await w.stores.alerts.get(a.id))?.escalationLevel).toBe(1);
  });

  it('no new task while the first is still under way, even when it is finished after the re-raise', async () => {
    const a = await raise(w);
    const [t] = await tasksOf(w, a.id);
    await w.d.tasks.accept(t?.id ?? '', carer);
    await w.alerts.acknowledge(a.id, 'carer-e1');
    w.clock.advance(MIN);
    await raise(w);
    expect(await tasksOf(w, a.id)).toHaveLength(1);
    w.clock.advance(MIN);
    await w.d.tasks.complete(t?.id ?? '', carer);
    // An engine that only now handles the re-raise decides as the others did.
    const reraised = w.events.find((e) => e.event === 'alert' && e.envelope.type === 'alert.reraised');
    if (reraised?.event !== 'alert') throw new Error('no alert.reraised event');
    await secondEngine(w).dispatcher.onAlert(reraised);
    expect(await tasksOf(w, a.id)).toHaveLength(1);
  });

  it('a repeat on an alert nobody acknowledged sounds again but never postpones its deadline', async () => {
    const a = await raise(w);
    await passTime(w, 50 * S, 10 * S);
    const again = await raise(w);
    expect(again).toMatchObject({ id: a.id, state: 'active', occurrences: 2 });
    expect(await tasksOf(w, a.id)).toHaveLength(1);
    await passTime(w, 11 * S, S);
    // Due 60 s after the first press, as if the second had not come.
    expect(await unacknowledged(w)).toMatchObject([{ alertId: a.id, actualMs: 60 * S }]);
    expect((await w.stores.alerts.get(a.id))?.escalationLevel).toBe(1);
    // A press after that limit ran out starts a new one, and escalates further if unanswered again.
    await passTime(w, 30 * S, 10 * S);
    await raise(w);
    await passTime(w, 61 * S, S);
    expect(await unacknowledged(w)).toHaveLength(2);
    expect((await w.stores.alerts.get(a.id))?.escalationLevel).toBe(2);
  });

  it('an acknowledgement handled late by another engine does not cancel the re-raise deadline', async () => {
    const a = await raise(w);
    await w.alerts.acknowledge(a.id, 'carer-e1');
    w.clock.advance(S);
    await raise(w);
    const acked = w.events.find((e) => e.event === 'alert' && e.envelope.type === 'alert.acknowledged');
    if (acked?.event !== 'alert') throw new Error('no alert.acknowledged event');
    await secondEngine(w).dispatcher.onAlert(acked);
    expect(await ackDeadline(w, a.id)).toBeDefined();
  });

  it('a worsening on an acknowledged alert re-raises it with the limit of its new priority', async () => {
    const vital = { kind: 'vital.spo2_low', title: 'SpO2 low', conditionHolds: true } as const;
    const a = await raise(w, { ...vital, priority: 'medium' });
    await w.alerts.acknowledge(a.id, 'carer-e1');
    w.clock.advance(2 * MIN);
    const worse = await raise(w, { ...vital, priority: 'high', title: 'SpO2 low: 84 %' }, { escalation: true });
    expect(worse).toMatchObject({ state: 'active', priority: 'high' });
    expect((await ackDeadline(w, a.id))?.dueAt).toBe(w.clock.now() + MIN);
    // The check under way is raised to high; the consult that high needs is opened.
    expect((await tasksOf(w, a.id)).map((t) => [t.kind, t.priority])).toEqual([
      ['onsite_check', 'high'],
      ['remote_consult', 'high'],
    ]);
  });
});

describe('reraiseNeeds', () => {
  const R = '2026-01-01T00:10:00.000Z';
  const iso = (min: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + min * MIN).toISOString();
  const task = (state: 'done' | 'cancelled' | 'assigned', created: number, completed?: number) => ({
    state,
    createdAt: iso(created),
    ...(completed !== undefined && { completedAt: iso(completed) }),
  });
  it.each([
    { name: 'no task yet', tasks: [], want: true },
    { name: 'done before the re-raise', tasks: [task('done', 0, 5)], want: true },
    { name: 'cancelled', tasks: [task('cancelled', 0)], want: true },
    { name: 'still under way', tasks: [task('assigned', 0)], want: false },
    { name: 'done only after the re-raise', tasks: [task('done', 0, 11)], want: false },
    { name: 'the re-raise already has its task', tasks: [task('done', 0, 5), task('assigned', 10)], want: false },
    { name: 'its task already done', tasks: [task('done', 0, 5), task('done', 10, 10)], want: false },
  ])('$name: $want', ({ tasks, want }) => {
    expect(reraiseNeeds(tasks, R)).toBe(want);
  });
});
