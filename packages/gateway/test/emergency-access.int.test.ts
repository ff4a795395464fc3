import type { Alert, AuditEntry, Task } from '@vigil/contracts';
import { ManualClock } from '@vigil/runtime';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, type Harness, type Json, login, PASSWORD, raise, recordingSocket, startHarness } from './fixtures.ts';

/**
 * Emergency access (contract §4.3): "while a `high` alert is open, the responders assigned to it see
 * what they need for it, and that access is audited as an emergency access". r1 has withdrawn the
 * caregiver consent; care1 is assigned to a task of an alert about r1, care3 (same facility, no zones)
 * is not. One harness on a manual clock (the live vitals throttle); the tests run in order.
 */
let h: Harness;
let clock: ManualClock;
const tokens: Record<string, string> = {};
const as = (u: string) => tokens[u] ?? '';
const sockets: Socket[] = [];
const WHERE = { lat: 30.27, lon: 120.16 };

beforeAll(async () => {
  clock = new ManualClock(Date.now());
  h = await startHarness({ clock });
  tokens.admin = await login(h.base, 'admin');
  // By an admin: a caregiver account a manager creates waits for an admin's approval (issue 13).
  const care3 = await api(h.base, 'POST', '/api/users', {
    token: as('admin'),
    body: { id: 'care3', username: 'care3', password: PASSWORD, name: 'Cy', role: 'caregiver', facilityIds: ['f1'] },
  });
  expect(care3.status).toBe(201);
  for (const u of ['manager1', 'care1', 'care3']) tokens[u] = await login(h.base, u);
  const off = await api(h.base, 'PUT', '/api/residents/r1/consent', { token: as('admin'), body: { caregiver: false } });
  expect(off.status).toBe(200);
  await h.stores.vitals.append('r1', { ts: clock.now() - 60_000, hr: 118, spo2: 89 });
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(() => h.close());

/** A task of the alert about r1, assigned to `assigneeId`, carrying a vitals snapshot as `context`. */
async function assignTask(alert: Alert, id: string, assigneeId = 'care1'): Promise<Task> {
  const now = new Date(clock.now()).toISOString();
  const task: Task = {
    id,
    facilityId: 'f1',
    kind: 'onsite_check',
    role: 'caregiver',
    priority: alert.priority,
    state: 'assigned',
    alertId: alert.id,
    residentId: 'r1',
    zoneId: 'z1',
    assigneeId,
    createdAt: now,
    assignedAt: now,
    acceptBy: new Date(clock.now() + 120_000).toISOString(),
    completeBy: new Date(clock.now() + 900_000).toISOString(),
    escalationLevel: 0,
    context: { latest: { hr: 118, spo2: 89 }, news2: { score: 7 } },
  };
  await h.stores.tasks.put(task);
  await h.stores.events.append({ event: 'task', type: 'task.assigned', facilityId: 'f1', data: task });
  return task;
}

const get = (user: string, path: string) => api(h.base, 'GET', path, { token: as(user) });
const task = async (user: string, id: string) => (await get(user, `/api/tasks/${id}`)).body as Task;
const status = async (user: string, path: string) => (await get(user, path)).status;

const entries = async (match: Partial<AuditEntry>) =>
  (await h.stores.audit.list({ limit: 5000 })).filter((e) =>
    Object.entries(match).every(([k, v]) => e[k as keyof AuditEntry] === v),
  );
const entryFor = (match: Partial<AuditEntry>) =>
  vi.waitFor(async () => {
    const [hit] = await entries(match);
    if (!hit) throw new Error(`no audit entry like ${JSON.stringify(match)}`);
    return hit;
  });

let high: Alert;
let highTask: Task;

describe('without an emergency (contract §4.3 consent alone)', () => {
  it('refuses vitals and reports and strips the task context of a caregiver the consent no longer covers', async () => {
    expect(await status('care1', '/api/residents/r1/vitals')).toBe(403);
    expect(await status('care1', '/api/residents/r1/report')).toBe(403);
    // A medium alert is no emergency: its assignee stays under consent alone.
    const medium = await raise(h.alerts, { kind: 'vital.hr_high', priority: 'medium', title: 'HR high' });
    const mediumTask = await assignTask(medium, 'tk_medium');
    expect(await task('care1', mediumTask.id)).not.toHaveProperty('context');
    expect(await status('care1', '/api/residents/r1/vitals')).toBe(403);
    expect(await status('care1', '/api/residents/r1/report')).toBe(403);
    expect(await entries({ actorId: 'care1', purpose: 'emergency' })).toEqual([]);
    await entryFor({ actorId: 'care1', action: 'vitals.read', outcome: 'denied', purpose: 'care' });
  });
});

describe('during a high alert (contract §4.3 emergency access)', () => {
  it('lets the assigned responder see vitals, the report and the task context, audited as emergency', async () => {
    high = await raise(h.alerts, { kind: 'sos', priority: 'high', title: 'SOS', location: WHERE });
    highTask = await assignTask(high, 'tk_high');
    const vitals = await get('care1', '/api/residents/r1/vitals');
    expect(vitals.status).toBe(200);
    expect(vitals.body.points).toHaveLength(1);
    expect(await status('care1', '/api/residents/r1/report')).toBe(200);
    const shown = await task('care1', highTask.id);
    expect(shown.context).toMatchObject({ news2: { score: 7 } });
    expect(shown.emergencyAccess).toBe(true);
    // The list too; the medium alert's task of the same resident still goes without.
    const listed = (await get('care1', '/api/tasks?assignee=me')).body as Task[];
    expect(listed.find((t) => t.id === highTask.id)).toMatchObject({ emergencyAccess: true });
    expect(listed.find((t) => t.id === 'tk_medium')).not.toHaveProperty('context');

    const detail = `emergency access: alert ${high.id}, task ${highTask.id}`;
    for (const action of ['vitals.read', 'report.read', 'task_context.read'] as const) {
      const entry = await entryFor({ actorId: 'care1', action, purpose: 'emergency' });
      expect(entry).toMatchObject({ residentId: 'r1', facilityId: 'f1', outcome: 'allowed', actorRole: 'caregiver' });
      expect(entry.detail).toBe(detail);
    }
    // GET /api/audit returns them. The alert's location goes to the responder too (r1's location
    // consent is off: issue 13), audited as an emergency access that handed it out.
    const audit = (await get('manager1', '/api/audit?residentId=r1')).body as AuditEntry[];
    expect(audit.filter((e) => e.purpose === 'emergency').length).toBeGreaterThanOrEqual(3);
    expect((await get('care1', `/api/alerts/${high.id}`)).body).toMatchObject({
      location: WHERE,
      emergencyAccess: true,
    });
    await entryFor({
      actorId: 'care1',
      action: 'alert.read',
      purpose: 'emergency',
      detail: `emergency access: alert ${high.id} with location`,
    });
  });

  it('gives nothing to a caregiver who is not assigned, nor to managers', async () => {
    expect(await status('care3', '/api/residents/r1/vitals')).toBe(403);
    expect(await status('care3', '/api/residents/r1/report')).toBe(403);
    expect(await task('care3', highTask.id)).not.toHaveProperty('context');
    expect(await task('manager1', highTask.id)).not.toHaveProperty('context');
    expect(await status('manager1', '/api/residents/r1/vitals')).toBe(403);
    expect(await entries({ actorId: 'care3', purpose: 'emergency' })).toEqual([]);
    for (const u of ['care3', 'manager1'])
      expect((await get(u, `/api/alerts/${high.id}`)).body).not.toHaveProperty('location');
  });

  it('sends the task context over Socket.IO to the responder only, audited as emergency', async () => {
    const responder = recordingSocket(h.base, { token: as('care1') });
    const other = recordingSocket(h.base, { token: as('care3') });
    sockets.push(responder.socket, other.socket);
    await Promise.all([responder.waitFor((e) => e.event === 'sync'), other.waitFor((e) => e.event === 'sync')]);
    await h.stores.events.append({ event: 'task', type: 'task.updated', facilityId: 'f1', data: highTask });
    const isTask = (e: { event: string; envelope: Json }) =>
      e.event === 'task' && e.envelope.data.id === highTask.id && e.envelope.type === 'task.updated';
    expect((await responder.waitFor(isTask)).envelope.data).toMatchObject({
      context: { news2: { score: 7 } },
      emergencyAccess: true,
    });
    const stripped = (await other.waitFor(isTask)).envelope.data;
    expect(stripped).not.toHaveProperty('context');
    expect(stripped).not.toHaveProperty('emergencyAccess');
    await entryFor({
      actorId: 'care1',
      action: 'task_context.read',
      purpose: 'emergency',
      detail: `emergency access: alert ${high.id}, task ${highTask.id} (live task.updated)`,
    });
  });
});

describe('when the emergency ends (contract §4.3)', () => {
  it('stops live vitals opened by emergency access when the alert is resolved, and REST is 403 again', async () => {
    const r = recordingSocket(h.base, { token: as('care1') });
    sockets.push(r.socket);
    await r.waitFor((e) => e.event === 'sync');
    const subscribe = (residentIds: string[]) =>
      r.socket.timeout(3000).emitWithAck('subscribe:vitals', { residentIds });
    // care3 is no responder: refused, and recorded as denied.
    const other = recordingSocket(h.base, { token: as('care3') });
    sockets.push(other.socket);
    await other.waitFor((e) => e.event === 'sync');
    expect(await other.socket.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ['r1'] })).toMatchObject({
      error: { code: 'forbidden' },
    });
    expect(await subscribe(['r1'])).toEqual({ ok: true });
    // r2's consent covers caregivers: that stream is by consent and outlives the emergency.
    expect(await subscribe(['r2'])).toEqual({ ok: true });
    expect(await entryFor({ actorId: 'care1', action: 'vitals.live_subscribe', residentId: 'r1' })).toMatchObject({
      purpose: 'emergency',
      outcome: 'allowed',
      detail: `emergency access: alert ${high.id}, task ${highTask.id}`,
    });
    const at = () => new Date(clock.now()).toISOString();
    h.gateway.vitalsFeed.publish('f1', { residentId: 'r1', ts: at(), hr: 121 });
    await r.waitFor((e) => e.event === 'vitals' && e.envelope.data.residentId === 'r1' && e.envelope.data.hr === 121);

    const resolved = await api(h.base, 'POST', `/api/alerts/${high.id}/resolve`, {
      token: as('care1'),
      body: { outcome: 'handled' },
    });
    expect(resolved.status).toBe(200);
    // The fan-out sees alert.resolved and takes the socket out of r1's room (r2's stays).
    const room = (id: string) => h.gateway.io.of('/').adapter.rooms.get(`vitals:${id}`);
    await expect.poll(() => room('r1')?.has(r.socket.id ?? '') ?? false).toBe(false);
    expect(room('r2')?.has(r.socket.id ?? '')).toBe(true);
    clock.advance(2_000);
    h.gateway.vitalsFeed.publish('f1', { residentId: 'r1', ts: at(), hr: 122 });
    h.gateway.vitalsFeed.publish('f1', { residentId: 'r2', ts: at(), hr: 64 });
    await r.waitFor((e) => e.event === 'vitals' && e.envelope.data.hr === 64);
    expect(r.events.filter((e) => e.event === 'vitals' && e.envelope.data.hr === 122)).toEqual([]);

    expect(await status('care1', '/api/residents/r1/vitals')).toBe(403);
    expect(await status('care1', '/api/residents/r1/report')).toBe(403);
    // The task is still in the store as assigned (no dispatcher here): the resolved alert alone ends it.
    expect(await task('care1', highTask.id)).not.toHaveProperty('context');
    expect(await subscribe(['r1'])).toMatchObject({ error: { code: 'forbidden' } });
    // The location ended with it: dropped from the record (no location consent), so shown to no one.
    expect(await h.stores.alerts.get(high.id)).not.toHaveProperty('location');
    expect((await get('care1', `/api/alerts/${high.id}`)).body).not.toHaveProperty('location');
  });

  it('ends when the task is no longer the responder’s (completed), while the alert is still open', async () => {
    const fall = await raise(h.alerts, { kind: 'fall', priority: 'high', title: 'Fall' });
    const fallTask = await assignTask(fall, 'tk_fall');
    const r = recordingSocket(h.base, { token: as('care1') });
    sockets.push(r.socket);
    await r.waitFor((e) => e.event === 'sync');
    expect(await r.socket.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ['r1'] })).toEqual({ ok: true });
    const post = (action: string) => api(h.base, 'POST', `/api/tasks/${fallTask.id}/${action}`, { token: as('care1') });
    expect((await post('accept')).body).toMatchObject({ state: 'accepted', emergencyAccess: true });
    expect((await post('start')).body).toMatchObject({ state: 'in_progress', emergencyAccess: true });
    expect(await status('care1', '/api/residents/r1/vitals')).toBe(200);
    // A consent change closes the streams it no longer covers, but not an emergency one (audited).
    const before = (await entries({ actorId: 'care1', action: 'vitals.live_subscribe', purpose: 'emergency' })).length;
    const again = await api(h.base, 'PUT', '/api/residents/r1/consent', {
      token: as('admin'),
      body: { caregiver: false },
    });
    expect(again.status).toBe(200);
    const room = () => h.gateway.io.of('/').adapter.rooms.get('vitals:r1');
    expect(room()?.has(r.socket.id ?? '')).toBe(true);
    await vi.waitFor(async () =>
      expect((await entries({ actorId: 'care1', action: 'vitals.live_subscribe', purpose: 'emergency' })).length).toBe(
        before + 1,
      ),
    );
    const done = await post('complete');
    expect(done.body.state).toBe('done');
    expect(done.body).not.toHaveProperty('context');
    expect(await status('care1', '/api/residents/r1/vitals')).toBe(403);
    expect(await status('care1', '/api/residents/r1/report')).toBe(403);
    await expect.poll(() => room()?.has(r.socket.id ?? '') ?? false).toBe(false);
    expect((await h.stores.alerts.get(fall.id))?.state).not.toBe('resolved');
  });
});
