import { type Alert, DEFAULT_POLICY, type Task } from '@vigil/contracts';
import { ManualClock } from '@vigil/runtime';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connect,
  type Harness,
  type Json,
  login,
  PASSWORD,
  raise,
  recordingSocket,
  startHarness,
} from './fixtures.ts';

/**
 * Tasks, SLA warnings, the dispatch policy and delivery receipts over REST and Socket.IO (issue 4,
 * contract §3.2, §3.3, §4.1, §4.2). One harness on a manual clock with the dispatch system running:
 * alerts raised here become tasks for the on-duty staff of the seed. Time moves only where a test
 * says so, and the test that lets limits pass comes last.
 */
let h: Harness;
let clock: ManualClock;
const tokens: Record<string, string> = {};
const as = (u: string) => tokens[u] ?? '';
const iso = () => new Date(clock.now()).toISOString();
const open: Socket[] = [];
const track = <T extends { socket: Socket }>(r: T) => {
  open.push(r.socket);
  return r;
};

beforeAll(async () => {
  clock = new ManualClock(Date.now());
  h = await startHarness({ clock });
  tokens.manager1 = await login(h.base, 'manager1');
  // The new role: takes facility_maintenance tasks, sees facility alerts, never health data.
  const maint = await api(h.base, 'POST', '/api/users', {
    token: as('manager1'),
    body: {
      id: 'maint1',
      username: 'maint1',
      password: PASSWORD,
      name: 'Mo',
      role: 'maintenance',
      facilityIds: ['f1'],
    },
  });
  expect(maint.status).toBe(201);
  for (const u of ['admin', 'care1', 'care1z2', 'medical1', 'manager2', 'care2', 'res1user', 'maint1'])
    tokens[u] = await login(h.base, u);
  // On duty: care1 (no zones: covers all), care1z2 (west wing), medical1, maint1; themselves or a manager.
  for (const [who, by] of [
    ['care1', 'care1'],
    ['care1z2', 'manager1'],
    ['medical1', 'medical1'],
    ['maint1', 'maint1'],
  ] as const) {
    const duty = await api(h.base, 'PUT', `/api/users/${who}/duty`, { token: as(by), body: { onDuty: true } });
    expect(duty.status).toBe(200);
  }
  h.dispatch.start();
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(() => h.close());

/** Raises and waits until the dispatcher has made its tasks. */
async function raiseAndDispatch(over: Parameters<typeof raise>[1]): Promise<{ alert: Alert; tasks: Task[] }> {
  const alert = await raise(h.alerts, { observedAt: clock.now(), ...over });
  await h.dispatch.dispatcher.idle();
  return { alert, tasks: await h.stores.tasks.list({ alertId: alert.id }) };
}

/**
 * Lets `ms` pass and fires what fell due. Two ticks: the runner's own loop (started by
 * `dispatch.start()`) may have begun a run inside `advance` at an earlier clock time, and `tick()`
 * joins a run in flight rather than starting one at the new time.
 */
async function letPass(ms: number): Promise<void> {
  clock.advance(ms);
  await h.dispatch.deadlines.tick();
  await h.dispatch.deadlines.tick();
  await h.dispatch.dispatcher.idle();
}

const facilityAlert = (kind: 'facility.water_leak' | 'facility.power_loss', deviceId: string) =>
  h.alerts.raise({
    facilityId: 'f1',
    deviceId,
    zoneId: 'z1',
    roomId: '101',
    kind,
    priority: 'high',
    title: kind,
    explanation: { rule: kind, inputs: {}, condition: 'sensor' },
    observedAt: clock.now(),
  });

const byKind = (tasks: Task[], kind: Task['kind']) => {
  const t = tasks.find((x) => x.kind === kind);
  if (!t) throw new Error(`no ${kind} task`);
  return t;
};

const listIds = async (user: string, query = '') => {
  const res = await api(h.base, 'GET', `/api/tasks${query}`, { token: as(user) });
  expect(res.status).toBe(200);
  return (res.body as Task[]).map((t) => t.id);
};

const post = (user: string, path: string, body?: unknown) =>
  api(h.base, 'POST', path, { token: as(user), ...(body !== undefined && { body }) });

// Filled by the first test, used by the ones after it.
let sosTask: Task;
let leakTask: Task;
let spo2Onsite: Task;
let spo2Consult: Task;

describe('task visibility (contract §4.2)', () => {
  it('dispatches alerts to the on-duty staff of each role', async () => {
    const sos = await raiseAndDispatch({ residentId: 'r1', zoneId: 'z1', kind: 'sos', title: 'SOS' });
    sosTask = byKind(sos.tasks, 'onsite_check');
    const leak = await facilityAlert('facility.water_leak', 'leak1');
    await h.dispatch.dispatcher.idle();
    leakTask = byKind(await h.stores.tasks.list({ alertId: leak.id }), 'facility_maintenance');
    const spo2 = await raiseAndDispatch({
      residentId: 'r2',
      zoneId: 'z2',
      kind: 'vital.spo2_low',
      priority: 'high',
      title: 'SpO2 low',
    });
    spo2Onsite = byKind(spo2.tasks, 'onsite_check');
    spo2Consult = byKind(spo2.tasks, 'remote_consult');

    expect(sosTask).toMatchObject({ state: 'assigned', assigneeId: 'care1', residentId: 'r1', role: 'caregiver' });
    expect(leakTask).toMatchObject({ state: 'assigned', assigneeId: 'maint1', role: 'maintenance' });
    expect(leakTask.residentId).toBeUndefined();
    // Both caregivers cover z2; care1 already has the SOS, so the less loaded one gets it.
    expect(spo2Onsite).toMatchObject({ state: 'assigned', assigneeId: 'care1z2' });
    expect(spo2Consult).toMatchObject({ state: 'assigned', assigneeId: 'medical1', role: 'medical' });
    expect(spo2Consult.context).toBeDefined();
  });

  it('lists per role: managers and admins all, staff their own and their role’s, residents 403', async () => {
    const all = [sosTask.id, leakTask.id, spo2Onsite.id, spo2Consult.id];
    const mine = async (user: string, query = '') => (await listIds(user, query)).filter((id) => all.includes(id));
    expect((await mine('manager1')).sort()).toEqual([...all].sort());
    expect((await mine('admin')).sort()).toEqual([...all].sort());
    expect((await mine('care1')).sort()).toEqual([sosTask.id, spo2Onsite.id].sort());
    // A caregiver with zones: tasks of those zones (and own ones), as for alerts.
    expect(await mine('care1z2')).toEqual([spo2Onsite.id]);
    expect(await mine('medical1')).toEqual([spo2Consult.id]);
    expect(await mine('maint1')).toEqual([leakTask.id]);
    expect(await listIds('care2')).toEqual([]);
    expect(await listIds('manager2')).toEqual([]);
    const resident = await api(h.base, 'GET', '/api/tasks', { token: as('res1user') });
    expect(resident.status).toBe(403);
    expect(resident.body.error.code).toBe('forbidden');
  });

  it('filters by assignee=me, state (incl. active) and facility', async () => {
    expect(await listIds('care1', '?assignee=me')).toEqual([sosTask.id]);
    expect(await listIds('care1', '?state=assigned')).toContain(sosTask.id);
    expect(await listIds('care1', '?state=active&assignee=me')).toEqual([sosTask.id]);
    expect(await listIds('care1', '?state=done')).toEqual([]);
    expect(await listIds('manager1', '?facilityId=f1')).toContain(leakTask.id);
    expect((await api(h.base, 'GET', '/api/tasks?state=bogus', { token: as('care1') })).status).toBe(400);
    expect((await api(h.base, 'GET', '/api/tasks?assignee=care1', { token: as('care1') })).status).toBe(400);
    expect((await api(h.base, 'GET', '/api/tasks?facilityId=f2', { token: as('care1') })).status).toBe(404);
    // Oldest first.
    const createdAt = (await api(h.base, 'GET', '/api/tasks', { token: as('manager1') })).body.map(
      (t: Task) => t.createdAt,
    );
    expect([...createdAt].sort()).toEqual(createdAt);
  });

  it('reads one task: 403 outside the view in own facility, 404 in another or unknown', async () => {
    const get = (user: string, id: string) => api(h.base, 'GET', `/api/tasks/${id}`, { token: as(user) });
    expect((await get('care1', sosTask.id)).body).toMatchObject({ id: sosTask.id, assigneeId: 'care1' });
    expect((await get('care1', spo2Consult.id)).status).toBe(403);
    expect((await get('care1', leakTask.id)).status).toBe(403);
    expect((await get('care1z2', sosTask.id)).status).toBe(403);
    expect((await get('medical1', sosTask.id)).status).toBe(403);
    expect((await get('maint1', sosTask.id)).status).toBe(403);
    expect((await get('res1user', sosTask.id)).status).toBe(403);
    expect((await get('care2', sosTask.id)).status).toBe(404);
    expect((await get('manager2', sosTask.id)).status).toBe(404);
    const unknown = await get('manager1', 'tk_nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });

  it('shows a task’s context (health data) only to those the resident’s consent covers', async () => {
    const get = async (user: string) =>
      (await api(h.base, 'GET', `/api/tasks/${spo2Consult.id}`, { token: as(user) })).body as Task;
    expect((await get('medical1')).context).toMatchObject({ alert: { kind: 'vital.spo2_low' } });
    // Managers and admins only with the manager consent (default false), in the list too.
    expect(await get('manager1')).not.toHaveProperty('context');
    expect(await get('admin')).not.toHaveProperty('context');
    const listed = (await api(h.base, 'GET', '/api/tasks', { token: as('manager1') })).body as Task[];
    expect(listed.filter((t) => t.context !== undefined)).toEqual([]);

    const consent = (body: object) => api(h.base, 'PUT', '/api/residents/r2/consent', { token: as('admin'), body });
    expect((await consent({ manager: true })).status).toBe(200);
    try {
      expect((await get('manager1')).context).toBeDefined();
      expect((await consent({ manager: false, medical: false })).status).toBe(200);
      const medical = await get('medical1');
      expect(medical.id).toBe(spo2Consult.id);
      // Its assignee responds to this open high alert: emergency access keeps the context, flagged
      // (contract §4.3; emergency-access.int.test.ts covers it in full). Managers stay without.
      expect(medical.context).toBeDefined();
      expect(medical.emergencyAccess).toBe(true);
      expect(await get('manager1')).not.toHaveProperty('context');
    } finally {
      await consent({ manager: false, medical: true });
    }
  });
});

describe('task actions', () => {
  it('accept → start → complete by the assignee, with the times of each step', async () => {
    const path = (a: string) => `/api/tasks/${sosTask.id}/${a}`;
    const early = await post('care1', path('start'));
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('illegal_state');

    const accepted = await post('care1', path('accept'), { note: 'on my way' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      state: 'accepted',
      assigneeId: 'care1',
      acceptedAt: iso(),
      note: 'on my way',
    });
    expect((await post('care1', path('accept'))).status).toBe(409);

    clock.advance(5_000);
    const started = await post('care1', path('start'), {});
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ state: 'in_progress', startedAt: iso() });
    expect(started.body.acceptedAt).toBe(accepted.body.acceptedAt);

    clock.advance(5_000);
    const done = await post('care1', path('complete'), { note: 'resident fine, button pressed by mistake' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      state: 'done',
      completedAt: iso(),
      note: 'resident fine, button pressed by mistake',
    });
    expect(Date.parse(done.body.completedAt) - Date.parse(done.body.acceptedAt)).toBe(10_000);
    expect((await h.stores.tasks.get(sosTask.id))?.state).toBe('done');

    for (const a of ['accept', 'start', 'complete', 'decline']) {
      const again = await post('care1', path(a));
      expect(again.status, a).toBe(409);
      expect(again.body.error.code, a).toBe('illegal_state');
    }
  });

  it('refuses other roles and other people with 403, other facilities and unknown tasks with 404', async () => {
    const accept = (user: string, id: string) => post(user, `/api/tasks/${id}/accept`);
    // care1 sees the west-wing check (role) but it is care1z2's.
    const notMine = await accept('care1', spo2Onsite.id);
    expect(notMine.status).toBe(403);
    expect(notMine.body.error.code).toBe('forbidden');
    expect((await accept('medical1', spo2Onsite.id)).status).toBe(403);
    expect((await accept('maint1', spo2Consult.id)).status).toBe(403);
    expect((await accept('care1', leakTask.id)).status).toBe(403);
    expect((await accept('admin', spo2Onsite.id)).status).toBe(403);
    expect((await accept('res1user', spo2Onsite.id)).status).toBe(403);
    expect((await accept('care2', spo2Onsite.id)).status).toBe(404);
    expect((await accept('manager2', spo2Onsite.id)).status).toBe(404);
    expect((await accept('care1', 'tk_nope')).status).toBe(404);
    expect((await h.stores.tasks.get(spo2Onsite.id))?.state).toBe('assigned');
  });

  it('validates bodies; no body at all is fine', async () => {
    expect((await post('maint1', `/api/tasks/${leakTask.id}/accept`, { note: 5 })).status).toBe(400);
    expect((await post('maint1', `/api/tasks/${leakTask.id}/accept`, { reason: 'x' })).status).toBe(400);
    expect((await post('maint1', `/api/tasks/${leakTask.id}/decline`, { reason: '' })).status).toBe(400);
    const accepted = await post('maint1', `/api/tasks/${leakTask.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'accepted', assigneeId: 'maint1' });
  });

  it('decline hands the task to another on-duty caregiver, never back; then to a manager', async () => {
    const { tasks } = await raiseAndDispatch({ residentId: 'r1', zoneId: 'z1', kind: 'fall', title: 'Fall' });
    const fall = byKind(tasks, 'onsite_check');
    expect(fall.assigneeId).toBe('care1');
    // care1z2 neither has it nor covers its zone.
    expect((await post('care1z2', `/api/tasks/${fall.id}/decline`)).status).toBe(403);

    const declined = await post('care1', `/api/tasks/${fall.id}/decline`, { reason: 'with another resident' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({
      state: 'assigned',
      assigneeId: 'care1z2',
      passedBy: ['care1'],
      note: 'with another resident',
    });
    expect((await post('care1', `/api/tasks/${fall.id}/accept`)).status).toBe(403);
    expect(await listIds('care1z2', '?assignee=me')).toContain(fall.id);

    // The last caregiver passes too: nobody of the role is left, so a manager gets it (and a warning).
    const again = await post('care1z2', `/api/tasks/${fall.id}/decline`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ state: 'assigned', assigneeId: 'manager1', passedBy: ['care1', 'care1z2'] });
    const warnings = await h.stores.slaWarnings.list({ kind: 'no_staff_on_duty' });
    expect(warnings.some((w) => w.taskId === fall.id)).toBe(true);
    const taken = await post('manager1', `/api/tasks/${fall.id}/accept`);
    expect(taken.body).toMatchObject({ state: 'accepted', assigneeId: 'manager1' });
  });
});

describe('tasks over Socket.IO', () => {
  it('sends task events per role, with the context only where consent allows; maintenance sees facility alerts only', async () => {
    const [medical, manager, carer, maint] = ['medical1', 'manager1', 'care1', 'maint1'].map((u) =>
      track(recordingSocket(h.base, { token: as(u) })),
    ) as [ReturnType<typeof recordingSocket>, ...ReturnType<typeof recordingSocket>[]];
    const syncs = await Promise.all([medical, manager, carer, maint].map((r) => r?.waitFor((e) => e.event === 'sync')));
    const resumeFrom = syncs[1]?.envelope.data.lastEventId as string;

    const { alert, tasks } = await raiseAndDispatch({
      residentId: 'r1',
      zoneId: 'z1',
      kind: 'vital.hr_high',
      priority: 'high',
      title: 'HR high',
    });
    const consult = byKind(tasks, 'remote_consult');
    const onsite = byKind(tasks, 'onsite_check');
    const power = await facilityAlert('facility.power_loss', 'power1');
    await h.dispatch.dispatcher.idle();

    const consultEvent = (e: { event: string; envelope: Json }) =>
      e.event === 'task' && e.envelope.type === 'task.created' && e.envelope.data.id === consult.id;
    const forMedical = await medical.waitFor(consultEvent);
    expect(forMedical.envelope.data.context).toMatchObject({ alert: { id: alert.id } });
    const forManager = await manager?.waitFor(consultEvent);
    expect(forManager?.envelope.data.id).toBe(consult.id);
    expect(forManager?.envelope.data).not.toHaveProperty('context');

    // The caregiver gets the on-site check but not the consult.
    await carer?.waitFor((e) => e.event === 'task' && e.envelope.data.id === onsite.id);
    // Maintenance: the power loss and its task, nothing about the resident.
    await maint?.waitFor((e) => e.event === 'alert' && e.envelope.data.id === power.id);
    await maint?.waitFor((e) => e.event === 'task' && e.envelope.data.kind === 'facility_maintenance');
    await manager?.waitFor((e) => e.event === 'alert' && e.envelope.data.id === power.id);
    expect(carer?.events.filter((e) => e.event === 'task' && e.envelope.data.id === consult.id)).toEqual([]);
    expect(maint?.events.filter((e) => e.envelope?.data?.residentId !== undefined)).toEqual([]);
    expect(maint?.events.filter((e) => e.event === 'alert' && e.envelope.data.id === alert.id)).toEqual([]);

    // A replay applies the same consent.
    const replay = track(recordingSocket(h.base, { token: as('manager1'), lastEventId: resumeFrom }));
    await replay.waitFor((e) => e.event === 'sync');
    const replayed = replay.events.filter((e) => e.event === 'task' && e.envelope.data.id === consult.id);
    expect(replayed.length).toBeGreaterThan(0);
    expect(replayed.filter((e) => e.envelope.data.context !== undefined)).toEqual([]);
  });

  it('a receipt marks the assignee’s task delivered; others’ receipts and bad ones change nothing', async () => {
    const { alert, tasks } = await raiseAndDispatch({ residentId: 'rx1', zoneId: 'z1', kind: 'sos', title: 'SOS' });
    const task = byKind(tasks, 'onsite_check');
    expect(task.assigneeId).toBe('care1');
    expect(task.deliveredAt).toBeUndefined();

    // Someone who may see the alert but is not the assignee (issue 13: a caregiver of another zone,
    // who may not see it, is ignored altogether).
    const outOfZone = await connect(h.base, { token: as('care1z2') });
    open.push(outOfZone);
    outOfZone.emit('receipt', { alertId: alert.id });
    const other = await connect(h.base, { token: as('manager1') });
    open.push(other);
    other.emit('receipt', { alertId: alert.id });
    await expect.poll(() => h.gateway.receipts.get(alert.id)?.map((r) => r.userId)).toEqual(['manager1']);
    expect((await h.stores.tasks.get(task.id))?.deliveredAt).toBeUndefined();

    const mine = await connect(h.base, { token: as('care1') });
    open.push(mine);
    mine.emit('receipt', { alertId: 'al_unknown' });
    mine.emit('receipt', 'garbage');
    const shownAt = iso();
    mine.emit('receipt', { alertId: alert.id });
    await expect
      .poll(async () => (await api(h.base, 'GET', `/api/tasks/${task.id}`, { token: as('care1') })).body.deliveredAt)
      .toBe(shownAt);
    expect(mine.connected).toBe(true);
  });
});

describe('maintenance role', () => {
  it('sees facility alerts only and never a resident record', async () => {
    const list = await api(h.base, 'GET', '/api/alerts', { token: as('maint1') });
    expect(list.status).toBe(200);
    expect(list.body.length).toBeGreaterThan(0);
    expect(list.body.filter((a: Alert) => a.residentId !== undefined)).toEqual([]);
    const sos = (await h.stores.alerts.list({ facilityId: 'f1' })).find((a) => a.kind === 'sos');
    expect((await api(h.base, 'GET', `/api/alerts/${sos?.id}`, { token: as('maint1') })).status).toBe(403);
    expect((await api(h.base, 'GET', '/api/residents/r1', { token: as('maint1') })).status).toBe(403);
    expect((await api(h.base, 'GET', '/api/residents/r1/vitals', { token: as('maint1') })).status).toBe(403);
  });
});

describe('facility policy (contract §4.1)', () => {
  const get = (user: string, f = 'f1') => api(h.base, 'GET', `/api/facilities/${f}/policy`, { token: as(user) });
  const put = (user: string, body: unknown, f = 'f2') =>
    api(h.base, 'PUT', `/api/facilities/${f}/policy`, { token: as(user), body });

  it('reads the policy in force: admins and managers of the facility', async () => {
    const res = await get('manager1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...DEFAULT_POLICY, facilityId: 'f1', version: 1 });
    expect((await get('admin')).status).toBe(200);
    expect((await get('care1')).status).toBe(403);
    expect((await get('maint1')).status).toBe(403);
    expect((await get('manager2')).status).toBe(404);
    expect((await get('admin', 'nope')).status).toBe(404);
  });

  it('changes only what a partial body names, with a new version; refuses bad bodies with 400', async () => {
    const changed = await put('manager2', { acceptLimitMs: { onsite_check: 60_000 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ facilityId: 'f2', version: 2, updatedBy: 'manager2', updatedAt: iso() });
    expect(changed.body.acceptLimitMs).toEqual({ ...DEFAULT_POLICY.acceptLimitMs, onsite_check: 60_000 });
    expect(changed.body.escalation).toEqual(DEFAULT_POLICY.escalation);

    const shorter = await put('manager2', { completeLimitMs: { onsite_check: 30_000 } });
    expect(shorter.status).toBe(400);
    expect(shorter.body.error.code).toBe('invalid_input');
    expect(shorter.body.error.details).toEqual([{ path: 'completeLimitMs.onsite_check', message: expect.any(String) }]);
    const step = { target: 'manager', afterMs: { high: 60_000, medium: 60_000, low: 60_000 } };
    expect((await put('manager2', { escalation: [step, step] })).status).toBe(400);
    const tiny = await put('manager2', { acceptLimitMs: { onsite_check: 10 } });
    expect(tiny.status).toBe(400);
    expect(tiny.body.error.details[0].path).toBe('/acceptLimitMs/onsite_check');
    expect((await put('manager2', { surprise: 1 })).status).toBe(400);
    expect((await put('manager2', '{bad json')).status).toBe(400);
    expect((await get('manager2', 'f2')).body.version).toBe(2);

    expect((await put('care2', { acceptLimitMs: { onsite_check: 90_000 } })).status).toBe(403);
    expect((await put('manager1', { acceptLimitMs: { onsite_check: 90_000 } })).status).toBe(404);
    const byAdmin = await put('admin', { staffRepeatedOverdue: { count: 4 } });
    expect(byAdmin.body).toMatchObject({ version: 3, staffRepeatedOverdue: { count: 4, windowMs: 8 * 3_600_000 } });
  });
});

describe('users with their load', () => {
  it('adds each user’s open tasks to the manager’s list, and nothing else changes', async () => {
    const res = await api(h.base, 'GET', '/api/users', { token: as('manager1') });
    expect(res.status).toBe(200);
    const active = await h.stores.tasks.list({ facilityId: 'f1', state: 'active' });
    const expected = (id: string) => active.filter((t) => t.assigneeId === id).length;
    for (const { load, ...user } of res.body) {
      expect(load, user.id).toBe(expected(user.id));
      const stored = await h.stores.users.get(user.id);
      const { passwordHash: _hash, ...shown } = stored ?? { passwordHash: '' };
      expect(user).toEqual(shown);
    }
    expect(res.body.find((u: Json) => u.id === 'care1z2').load).toBeGreaterThan(0);
  });
});

// Last: moving the clock past the limits also fires every other open task's deadlines.
describe('SLA warnings (contract §3.3)', () => {
  it('records an overdue accept, visible to admins and managers only, oldest first', async () => {
    // Low priority: the accept limit (2 min) passes before the first escalation step (10 min).
    const { tasks } = await raiseAndDispatch({
      residentId: 'rx2',
      zoneId: 'z1',
      kind: 'resident.inactivity',
      priority: 'low',
      title: 'No movement',
    });
    const task = byKind(tasks, 'onsite_check');
    const from = clock.now();
    await letPass(DEFAULT_POLICY.acceptLimitMs.onsite_check + 1_000);

    const res = await api(h.base, 'GET', '/api/sla/warnings', { token: as('manager1') });
    expect(res.status).toBe(200);
    const overdue = res.body.find((w: Json) => w.kind === 'accept_overdue' && w.taskId === task.id);
    expect(overdue).toMatchObject({
      facilityId: 'f1',
      staffId: task.assigneeId,
      limitMs: DEFAULT_POLICY.acceptLimitMs.onsite_check,
      raisedAt: iso(),
    });
    expect(overdue.actualMs).toBeGreaterThanOrEqual(DEFAULT_POLICY.acceptLimitMs.onsite_check);
    const raisedAt = res.body.map((w: Json) => w.raisedAt as string);
    expect([...raisedAt].sort()).toEqual(raisedAt);
    // The decline to a manager earlier warned too.
    expect(res.body.some((w: Json) => w.kind === 'no_staff_on_duty')).toBe(true);

    const window = await api(
      h.base,
      'GET',
      `/api/sla/warnings?from=${from}&to=${new Date(clock.now()).toISOString()}`,
      {
        token: as('manager1'),
      },
    );
    expect(window.body.map((w: Json) => w.id)).toContain(overdue.id);
    expect(window.body.every((w: Json) => Date.parse(w.raisedAt) >= from)).toBe(true);
    const later = await api(h.base, 'GET', `/api/sla/warnings?from=${clock.now() + 1}`, { token: as('manager1') });
    expect(later.body).toEqual([]);

    expect((await api(h.base, 'GET', '/api/sla/warnings', { token: as('admin') })).body).toHaveLength(res.body.length);
    for (const u of ['care1', 'medical1', 'maint1', 'res1user'])
      expect((await api(h.base, 'GET', '/api/sla/warnings', { token: as(u) })).status, u).toBe(403);
    expect((await api(h.base, 'GET', '/api/sla/warnings', { token: as('manager2') })).body).toEqual([]);
    expect((await api(h.base, 'GET', '/api/sla/warnings?facilityId=f1', { token: as('manager2') })).status).toBe(404);
    expect(
      (await api(h.base, 'GET', `/api/sla/warnings?from=${from}&to=${from - 1}`, { token: as('manager1') })).status,
    ).toBe(400);
    expect((await api(h.base, 'GET', '/api/sla/warnings?from=yesterday', { token: as('manager1') })).status).toBe(400);
  });

  it('pushes sla.warning to managers’ sockets only', async () => {
    const manager = track(recordingSocket(h.base, { token: as('manager1') }));
    const carer = track(recordingSocket(h.base, { token: as('care1') }));
    await Promise.all([manager, carer].map((r) => r.waitFor((e) => e.event === 'sync')));
    const { tasks } = await raiseAndDispatch({
      residentId: 'rx3',
      zoneId: 'z1',
      kind: 'resident.inactivity',
      priority: 'low',
      title: 'No movement',
    });
    const task = byKind(tasks, 'onsite_check');
    await letPass(DEFAULT_POLICY.acceptLimitMs.onsite_check + 1_000);
    const got = await manager.waitFor((e) => e.event === 'sla' && e.envelope.data.taskId === task.id);
    expect(got.envelope).toMatchObject({ type: 'sla.warning', facilityId: 'f1', data: { kind: 'accept_overdue' } });
    await carer.waitFor((e) => e.event === 'task' && e.envelope.data.id === task.id);
    expect(carer.events.filter((e) => e.event === 'sla')).toEqual([]);
  });
});
