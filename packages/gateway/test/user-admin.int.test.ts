import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connect, type Harness, login, PASSWORD, startHarness } from './fixtures.ts';

/**
 * Issue 13: "no way to disable a user" (MEDIUM), "weak password policy", "homoglyph usernames and ids
 * ./.. accepted" (LOW), through REST and Socket.IO. Contract §4.1 `PATCH /api/users/{id}`.
 */
let h: Harness;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['admin', 'manager1', 'manager2', 'care1']) tokens[u] = await login(h.base, u);
});
afterAll(() => h.close());

const patch = (as: string, id: string, body: unknown) =>
  api(h.base, 'PATCH', `/api/users/${id}`, { token: tokens[as], body });
const createUser = (body: Record<string, unknown>) =>
  api(h.base, 'POST', '/api/users', {
    token: tokens.admin,
    body: { password: PASSWORD, name: 'Someone', role: 'caregiver', facilityIds: ['f1'], ...body },
  });
const loginStatus = async (username: string, password = PASSWORD) =>
  (await api(h.base, 'POST', '/api/auth/login', { body: { username, password } })).status;

function serverDisconnect(socket: Socket, ms: number): Promise<number> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still connected after ${ms} ms`)), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      if (reason === 'io server disconnect') resolve(Date.now() - start);
      else reject(new Error(`disconnected by ${reason}`));
    });
  });
}

describe('disable (contract §4.1)', () => {
  it('revokes every token of the user, closes their sockets within 5 s, and refuses their login', async () => {
    expect((await createUser({ id: 'dora', username: 'dora' })).status).toBe(201);
    const first = await login(h.base, 'dora');
    const second = await login(h.base, 'dora');
    const socket = await connect(h.base, { token: first });
    const closed = serverDisconnect(socket, 5_000);
    const res = await patch('manager1', 'dora', { disabled: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'dora', disabled: true, onDuty: false });
    expect(res.body.passwordHash).toBeUndefined();
    expect(await closed).toBeLessThan(5_000);
    for (const t of [first, second]) {
      expect((await api(h.base, 'GET', '/api/tasks', { token: t })).status).toBe(401);
      await expect(connect(h.base, { token: t })).rejects.toThrow('unauthorized');
    }
    const refused = await api(h.base, 'POST', '/api/auth/login', { body: { username: 'dora', password: PASSWORD } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    // Enabled again: a new login works, the tokens from before stay dead.
    expect((await patch('admin', 'dora', { disabled: false })).body.disabled).toBeUndefined();
    expect(await loginStatus('dora')).toBe(200);
    expect((await api(h.base, 'GET', '/api/tasks', { token: first })).status).toBe(401);
  });
});

describe('password reset (contract §4.1)', () => {
  it('sets the new password and revokes the sessions signed in with the old one', async () => {
    expect((await createUser({ id: 'pete', username: 'pete' })).status).toBe(201);
    const before = await login(h.base, 'pete');
    const res = await patch('admin', 'pete', { password: 'violet harbour lamp' });
    expect(res.status).toBe(200);
    expect((await api(h.base, 'GET', '/api/tasks', { token: before })).status).toBe(401);
    expect(await loginStatus('pete')).toBe(401);
    expect(await loginStatus('pete', 'violet harbour lamp')).toBe(200);
  });

  it('holds the new password to the policy: 12 characters, not a breached one', async () => {
    for (const [password, reason] of [
      ['short-pass1', 'password_too_short'],
      ['password1234', 'password_breached'],
      ['Qwerty123456', 'password_breached'],
    ] as const) {
      const res = await patch('admin', 'pete', { password });
      expect(res.status, password).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input', details: { reason } });
    }
  });
});

describe('who may change a user (contract §4.1, §4.2)', () => {
  it('an admin, or a manager for non-admin users of their own facility', async () => {
    expect((await patch('manager1', 'care1', { name: 'Carer One' })).status).toBe(200);
    expect((await patch('manager1', 'care1', { zoneIds: ['z2'] })).body.zoneIds).toEqual(['z2']);
    expect((await patch('manager1', 'care1', { zoneIds: ['nowhere'] })).status).toBe(400);
    // Another facility's user: 404, its existence never leaks.
    expect((await patch('manager2', 'care1', { disabled: true })).status).toBe(404);
    expect((await patch('care1', 'care1z2', { disabled: true })).status).toBe(403);
    expect((await patch('care1', 'care1', { password: 'violet harbour lamp' })).status).toBe(403);
    expect((await patch('manager1', 'manager1', {})).status).toBe(400);
    expect((await patch('manager1', 'ghost', { name: 'x' })).status).toBe(404);
  });

  it('a manager cannot disable or reset an admin', async () => {
    expect((await createUser({ id: 'admin-f1', username: 'admin-f1', role: 'admin' })).status).toBe(201);
    expect((await patch('manager1', 'admin-f1', { password: 'violet harbour lamp' })).status).toBe(403);
    expect((await patch('manager1', 'admin-f1', { disabled: true })).status).toBe(403);
    expect(await loginStatus('admin-f1')).toBe(200);
  });
});

describe('account creation follows the same policy (issue 13 LOW)', () => {
  it('refuses a short or breached password', async () => {
    const short = await createUser({ username: 'newbie', password: 'eight-ch' });
    expect(short.status).toBe(400);
    const breached = await createUser({ username: 'newbie', password: 'password1234' });
    expect(breached.status).toBe(400);
    expect(breached.body.error.details).toEqual({ reason: 'password_breached' });
  });

  it('stores usernames in NFKC form: a full-width copy of one is the same username', async () => {
    // "ｃａｒｅ１" is "care1" after NFKC: a second account that reads the same is a conflict.
    expect((await createUser({ username: 'ｃａｒｅ１' })).status).toBe(409);
    const ligature = await createUser({ id: 'fiona', username: 'ﬁona' });
    expect(ligature.status).toBe(201);
    expect(ligature.body.username).toBe('fiona');
    expect(await loginStatus('fiona')).toBe(200);
  });

  it('refuses a username that mixes scripts or hides characters (homoglyphs)', async () => {
    for (const [username, reason] of [
      ['cаre1', 'username_mixed_script'], // Cyrillic а
      ['admіn', 'username_mixed_script'], // Ukrainian і
      ['care1\u200b', 'username_invisible'],
    ] as const) {
      const res = await createUser({ username });
      expect(res.status, username).toBe(400);
      expect(res.body.error.details).toEqual({ reason });
    }
  });

  it('refuses the ids . and ..', async () => {
    for (const id of ['.', '..']) {
      const res = await createUser({ id, username: `dots${id.length}` });
      expect(res.status, id).toBe(400);
    }
    const facility = await api(h.base, 'POST', '/api/facilities', {
      token: tokens.admin,
      body: { id: '..', name: 'x' },
    });
    expect(facility.status).toBe(400);
  });
});
