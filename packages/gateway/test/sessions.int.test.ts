import { TokenService } from '@vigil/auth';
import { createHmac } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.ts';
import { api, connect, type Harness, login, minimalDeps, startHarness } from './fixtures.ts';

/**
 * Issue 13 (MEDIUM): "no way to revoke a session; a socket outlives its token; a JWT without exp is
 * accepted", through REST and Socket.IO (contract §4.1 refresh/logout, §2 disconnect within 5 s).
 */
const SECRET = 's'.repeat(40);
let h: Harness;
/** A second gateway on the same stores, as a second process on the same Redis would be. */
let other: Gateway;
let otherBase: string;

beforeAll(async () => {
  h = await startHarness({ deps: { tokens: new TokenService({ secret: SECRET }) } });
  other = createGateway({ ...minimalDeps(), stores: h.stores, tokens: new TokenService({ secret: SECRET }) });
  otherBase = `http://127.0.0.1:${await other.listen(0, '127.0.0.1')}`;
});
afterAll(async () => {
  await other.close();
  await h.close();
});

/** A JWT as an attacker who learnt the secret, or an old build, would sign it: HS256 over any claims. */
function signHs256(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

const me = (base: string, token: string) => api(base, 'GET', '/api/facilities', { token });

/** Resolves with how long after the call the server disconnected the socket; rejects after `ms`. */
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

describe('tokens always carry an expiry (contract §4.1)', () => {
  it('refuses a token signed with the right secret but without exp, over REST and Socket.IO', async () => {
    const noExp = signHs256({
      sub: 'admin',
      role: 'admin',
      fac: [],
      iss: 'vigil',
      aud: 'vigil-dashboards',
      jti: 'forever',
      iat: Math.floor(Date.now() / 1000),
    });
    // The same claims with an expiry pass: the signature is right, only `exp` is missing.
    const withExp = { ...JSON.parse(Buffer.from(noExp.split('.')[1] ?? '', 'base64url').toString()) };
    expect((await me(h.base, signHs256({ ...withExp, exp: withExp.iat + 60 }))).status).toBe(200);
    const res = await me(h.base, noExp);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    await expect(connect(h.base, { token: noExp })).rejects.toThrow('unauthorized');
  });

  it('gives out tokens that expire within 15 minutes', async () => {
    const res = await api(h.base, 'POST', '/api/auth/login', {
      body: { username: 'care1', password: 'correct horse battery' },
    });
    expect(res.status).toBe(200);
    const ttl = Date.parse(res.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
  });
});

describe('logout (contract §4.1)', () => {
  it('revokes the token it is called with, on every gateway, and closes its sockets within 5 s', async () => {
    const token = await login(h.base, 'care1');
    const kept = await login(h.base, 'care1');
    const here = await connect(h.base, { token });
    const there = await connect(otherBase, { token });
    const closedHere = serverDisconnect(here, 5_000);
    const closedThere = serverDisconnect(there, 5_000);
    const out = await api(h.base, 'POST', '/api/auth/logout', { token });
    expect(out.status).toBe(204);
    expect((await me(h.base, token)).status).toBe(401);
    expect((await me(otherBase, token)).status).toBe(401);
    expect(await closedHere).toBeLessThan(5_000);
    expect(await closedThere).toBeLessThan(5_000);
    await expect(connect(otherBase, { token })).rejects.toThrow('unauthorized');
    // Only that token: the user's other session goes on.
    expect((await me(h.base, kept)).status).toBe(200);
    expect((await api(h.base, 'POST', '/api/auth/logout', { token })).status).toBe(401);
  });
});

describe('refresh (contract §4.1)', () => {
  it('swaps a valid token for a new one, and the old one is revoked', async () => {
    const old = await login(h.base, 'manager1');
    const res = await api(h.base, 'POST', '/api/auth/refresh', { token: old });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token: expect.any(String),
      expiresAt: expect.any(String),
      user: { id: 'manager1' },
    });
    expect(res.body.token).not.toBe(old);
    expect((await me(h.base, res.body.token)).status).toBe(200);
    expect((await me(otherBase, old)).status).toBe(401);
    // A copy of the old token cannot be refreshed again (rotation: one winner).
    const again = await api(h.base, 'POST', '/api/auth/refresh', { token: old });
    expect(again.status).toBe(401);
    expect((await api(h.base, 'POST', '/api/auth/refresh')).status).toBe(401);
  });

  it('lets two refreshes racing with one token make one new token only', async () => {
    const old = await login(h.base, 'manager1');
    const both = await Promise.all([1, 2].map(() => api(h.base, 'POST', '/api/auth/refresh', { token: old })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 401]);
  });
});

describe('a session ends at its maximum age (SESSION_MAX_AGE_S)', () => {
  let now = Date.now();
  let aged: Harness;
  beforeAll(async () => {
    // 15 min tokens, 10 min sessions, on a clock the test moves.
    aged = await startHarness({
      deps: { tokens: new TokenService({ secret: SECRET, ttlSeconds: 900, maxSessionSeconds: 600, now: () => now }) },
    });
  });
  afterAll(() => aged.close());

  it('never refreshes a token past the session end, nor refreshes after it', async () => {
    now = Date.now();
    const started = now;
    const token = await login(aged.base, 'care1');
    now = started + 590_000;
    const late = await api(aged.base, 'POST', '/api/auth/refresh', { token });
    expect(late.status).toBe(200);
    expect(Date.parse(late.body.expiresAt)).toBeLessThanOrEqual(started + 600_000);
    now = started + 601_000;
    expect((await api(aged.base, 'POST', '/api/auth/refresh', { token: late.body.token })).status).toBe(401);
  });
});

describe('a socket outlives its token no more (contract §2)', () => {
  let short: Harness;
  beforeAll(async () => {
    short = await startHarness({ deps: { tokens: new TokenService({ secret: SECRET, ttlSeconds: 2 }) } });
  });
  afterAll(() => short.close());

  it('disconnects a socket within 5 s of its token expiring', async () => {
    const res = await api(short.base, 'POST', '/api/auth/login', {
      body: { username: 'care1', password: 'correct horse battery' },
    });
    const expiresAt = Date.parse(res.body.expiresAt);
    const socket = await connect(short.base, { token: res.body.token });
    await serverDisconnect(socket, expiresAt - Date.now() + 5_000);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    expect(Date.now() - expiresAt).toBeLessThan(5_000);
  });
});
