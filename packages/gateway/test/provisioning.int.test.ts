import { verifyDeviceSecret } from '@vigil/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DEVICE_PEPPERS, type Harness, login, PASSWORD, startHarness } from './fixtures.ts';

let h: Harness;
const tokens: Record<string, string> = {};
const as = (user: string) => tokens[user] ?? '';

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['admin', 'manager1', 'care1', 'care1z2', 'medical1', 'manager2', 'care2', 'res1user']) {
    tokens[u] = await login(h.base, u);
  }
});
afterAll(() => h.close());

describe('login (contract §4.1)', () => {
  it('returns a token, ISO expiry and the session user', async () => {
    const res = await api(h.base, 'POST', '/api/auth/login', { body: { username: 'care1z2', password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(typeof res.body.token).toBe('string');
    expect(res.body.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(res.body.user).toEqual({
      id: 'care1z2',
      role: 'caregiver',
      facilityIds: ['f1'],
      name: 'User care1z2',
      zoneIds: ['z2'],
      onDuty: false,
    });
  });

  it('answers 401 with the same message for a wrong password and an unknown user', async () => {
    const wrong = await api(h.base, 'POST', '/api/auth/login', { body: { username: 'care1', password: 'nope-nope' } });
    const unknown = await api(h.base, 'POST', '/api/auth/login', {
      body: { username: 'ghost', password: 'nope-nope' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    expect(unknown.body).toEqual(wrong.body);
  });

  it('backs off failed attempts per address and username with 429 rate_limited (login-backoff.int.test.ts)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await api(h.base, 'POST', '/api/auth/login', { body: { username: 'ghost2', password: 'bad-guess' } });
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.error.code).toBe('rate_limited');
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Another username from the same address is not locked out.
    expect(
      (await api(h.base, 'POST', '/api/auth/login', { body: { username: 'care2', password: PASSWORD } })).status,
    ).toBe(200);
  });

  it('refuses API calls without a valid token', async () => {
    expect((await api(h.base, 'GET', '/api/alerts')).status).toBe(401);
    const bad = await api(h.base, 'GET', '/api/alerts', { token: 'not.a.jwt' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('unauthorized');
  });
});

describe('provisioning', () => {
  it('creates a facility, a user, a resident and a device; the secret is returned once and stored hashed', async () => {
    const fac = await api(h.base, 'POST', '/api/facilities', {
      token: as('admin'),
      body: { id: 'f9', name: 'Lakeside', zones: [{ id: 'za', name: 'A' }] },
    });
    expect(fac.status).toBe(201);
    expect(fac.body).toEqual({ id: 'f9', name: 'Lakeside', zones: [{ id: 'za', name: 'A' }] });

    const user = await api(h.base, 'POST', '/api/users', {
      token: as('admin'),
      body: { username: 'mgr9', password: 'long enough pw', name: 'Mo', role: 'manager', facilityIds: ['f9'] },
    });
    expect(user.status).toBe(201);
    expect(user.body).not.toHaveProperty('passwordHash');
    expect(user.body).toMatchObject({ username: 'mgr9', role: 'manager', facilityIds: ['f9'], onDuty: false });
    const mgr = await login(h.base, 'mgr9', 'long enough pw');

    const res = await api(h.base, 'POST', '/api/residents', {
      token: mgr,
      body: { id: 'r9', facilityId: 'f9', name: 'Dee', zoneId: 'za', roomId: '9' },
    });
    expect(res.status).toBe(201);
    expect(res.body.carePlan).toEqual({});
    expect(res.body.consent).toEqual({ caregiver: true, medical: true, manager: false, location: false });

    const dev = await api(h.base, 'POST', '/api/devices', {
      token: mgr,
      body: { id: 'w9', facilityId: 'f9', kind: 'wearable', residentId: 'r9' },
    });
    expect(dev.status).toBe(201);
    expect(dev.body.id).toBe('w9');
    expect(dev.body.secret.length).toBeGreaterThanOrEqual(32);
    const stored = await h.stores.devices.get('w9');
    // issue 12: an HMAC under the server pepper (the secret is 256 random bits), not argon2id.
    expect(Buffer.from(dev.body.secret, 'base64url')).toHaveLength(32);
    expect(stored?.secretHash).toMatch(/^hmac-sha256\$/);
    expect(stored?.secretHash).not.toContain(dev.body.secret);
    expect(await verifyDeviceSecret(stored?.secretHash ?? '', dev.body.secret, DEVICE_PEPPERS)).toBe('valid');
    expect(await verifyDeviceSecret(stored?.secretHash ?? '', 'wrong', DEVICE_PEPPERS)).toBe('invalid');

    const detail = await api(h.base, 'GET', '/api/devices/w9', { token: mgr });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: 'w9', state: 'provisioned', lastSeenAt: null });
    expect(detail.body.counters).toEqual({ accepted: 0, duplicates: 0, rejected: {} });
    expect(detail.body).not.toHaveProperty('secret');
    expect(detail.body).not.toHaveProperty('secretHash');

    expect(
      (
        await api(h.base, 'POST', '/api/devices', {
          token: mgr,
          body: { id: 'w9', facilityId: 'f9', kind: 'wearable' },
        })
      ).status,
    ).toBe(409);

    const del = await api(h.base, 'DELETE', '/api/devices/w9', { token: mgr });
    expect(del.status).toBe(200);
    expect(del.body.state).toBe('decommissioned');
    expect(h.decommissioned).toContain('w9');
  });

  it('answers 409 conflict for a duplicate username', async () => {
    const res = await api(h.base, 'POST', '/api/users', {
      token: as('admin'),
      body: { username: 'CARE1', password: 'long enough pw', name: 'Dup', role: 'caregiver', facilityIds: ['f1'] },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it('rejects a resident in a zone the facility does not have', async () => {
    const res = await api(h.base, 'POST', '/api/residents', {
      token: as('manager1'),
      body: { facilityId: 'f1', name: 'X', zoneId: 'nowhere', roomId: '1' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });

  it('lets a manager create users of their own facility only, never admins', async () => {
    const body = { username: 'newcare', password: 'long enough pw', name: 'N', role: 'caregiver', facilityIds: ['f1'] };
    expect((await api(h.base, 'POST', '/api/users', { token: as('manager1'), body })).status).toBe(201);
    const admin = await api(h.base, 'POST', '/api/users', {
      token: as('manager1'),
      body: { ...body, username: 'evil', role: 'admin' },
    });
    expect(admin.status).toBe(403);
    const other = await api(h.base, 'POST', '/api/users', {
      token: as('manager1'),
      body: { ...body, username: 'other', facilityIds: ['f2'] },
    });
    expect(other.status).toBe(404);
  });

  it('changes duty for oneself, and for a manager of the facility', async () => {
    const self = await api(h.base, 'PUT', '/api/users/care1/duty', { token: as('care1'), body: { onDuty: true } });
    expect(self.status).toBe(200);
    expect(self.body.onDuty).toBe(true);
    expect(
      (await api(h.base, 'PUT', '/api/users/care1/duty', { token: as('manager1'), body: { onDuty: false } })).status,
    ).toBe(200);
    expect(
      (await api(h.base, 'PUT', '/api/users/care1/duty', { token: as('medical1'), body: { onDuty: false } })).status,
    ).toBe(403);
    expect(
      (await api(h.base, 'PUT', '/api/users/care1/duty', { token: as('manager2'), body: { onDuty: false } })).status,
    ).toBe(404);
  });
});
