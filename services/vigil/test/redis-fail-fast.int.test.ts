import { randomBytes } from 'node:crypto';
import type { ServiceStatus } from '@vigil/contracts';
import { requireBinary } from '@vigil/testkit';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from '../../../packages/stores/test/redis-server.ts';
import { type BoardSocket, type Platform, startPlatform } from './harness.ts';

const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'redis fail-fast test');

/** Issue 13 item 6: "Redis unreachable → /readyz 503 and REST 503 within 2 s, never a hang". */
const WITHIN_MS = 2_000;

type ErrorBody = { error: { code: string; message: string; details?: { dependency?: string; retryAfterS?: number } } };

/** One REST call, timed, with a client-side limit far above the promise so a hang shows as a hang. */
async function timed(platform: Platform, path: string, token: string) {
  const started = Date.now();
  const res = await fetch(platform.baseUrl + path, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json()) as ErrorBody;
  return { status: res.status, ms: Date.now() - started, body, retryAfter: res.headers.get('retry-after') };
}

const readyz = async (platform: Platform) => (await fetch(`${platform.baseUrl}/readyz`)).status;

/** A socket's `connect_error` message, or `connected`. */
function handshake(platform: Platform, token: string): Promise<{ message: string; data?: unknown; ms: number }> {
  const started = Date.now();
  const socket = io(platform.baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve) => {
    const done = (r: { message: string; data?: unknown }) => {
      socket.close();
      resolve({ ...r, ms: Date.now() - started });
    };
    socket.once('connect', () => done({ message: 'connected' }));
    socket.once('connect_error', (err: Error & { data?: unknown }) => done({ message: err.message, data: err.data }));
  });
}

/**
 * A real Vigil on a private, durable redis-server. Redis is hung (SIGSTOP: its socket stays open, nothing
 * is answered) and later killed (SIGKILL) and restarted on the same port; in both cases REST answers
 * 503 `unavailable` with `Retry-After` within 2 s (a request already waiting on Redis included),
 * `/readyz` is 503, a board's socket is told `service.unavailable`, a new socket gets `connect_error`
 * `unavailable`; once Redis answers again everything works without a restart.
 */
describe.skipIf(skip)('Redis unreachable: fail fast, say so', () => {
  let redis: RedisServer;
  let platform: Platform;
  let admin: string;
  let board: BoardSocket;
  const statuses: ServiceStatus[] = [];

  beforeAll(async () => {
    redis = await startRedisServer({ durable: true });
    platform = await startPlatform({
      redis: { url: redis.url, keyPrefix: 'ff:', encryptionKey: randomBytes(32) },
    });
    ({ admin } = await platform.provision(1));
    board = await platform.connectBoard(await platform.login('carer1', 'carer-pass-123'));
    board.on('service', (s) => statuses.push(s));
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
    await redis?.stop();
  }, 60_000);

  async function expectFailsFast() {
    const r = await timed(platform, '/api/alerts?facilityId=f1', admin);
    expect(r.status).toBe(503);
    expect(r.ms).toBeLessThan(WITHIN_MS);
    expect(r.body.error).toMatchObject({ code: 'unavailable', details: { dependency: 'redis', retryAfterS: 5 } });
    expect(r.retryAfter).toBe('5');
    expect(await readyz(platform)).toBe(503);
    // Login reads the users: refused the same way, not held.
    const login = await fetch(`${platform.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'carer1', password: 'carer-pass-123' }),
      signal: AbortSignal.timeout(15_000),
    });
    expect(login.status).toBe(503);
    const shake = await handshake(platform, admin);
    expect(shake).toMatchObject({ message: 'unavailable', data: { code: 'unavailable', dependency: 'redis' } });
    expect(shake.ms).toBeLessThan(WITHIN_MS);
    // The probes that need no Redis still answer: the process is alive and must not be restarted.
    expect((await fetch(`${platform.baseUrl}/healthz`)).status).toBe(200);
  }

  async function expectRecovered() {
    await expect.poll(() => readyz(platform), { timeout: 10_000, interval: 100 }).toBe(200);
    const r = await timed(platform, '/api/alerts?facilityId=f1', admin);
    expect(r.status).toBe(200);
    expect((await handshake(platform, admin)).message).toBe('connected');
    await expect.poll(() => statuses.at(-1)?.type).toBe('service.available');
  }

  it('answers 503 within 2 s while Redis hangs (SIGSTOP), and recovers on SIGCONT', async () => {
    expect((await timed(platform, '/api/alerts?facilityId=f1', admin)).status).toBe(200);
    expect(await readyz(platform)).toBe(200);
    redis.pause();
    try {
      // Sent right after the hang, before it can have been noticed: this one waits on Redis and is
      // answered when the PINGs time out.
      const waiting = await timed(platform, '/api/alerts?facilityId=f1', admin);
      expect(waiting.status).toBe(503);
      expect(waiting.ms).toBeLessThan(WITHIN_MS);
      expect(waiting.body.error.code).toBe('unavailable');
      await expectFailsFast();
      // The board was told, not left with silence.
      expect(statuses.map((s) => s.type)).toContain('service.unavailable');
      const subscribed = await board.timeout(WITHIN_MS).emitWithAck('subscribe:vitals', { residentIds: ['r1'] });
      expect(subscribed).toMatchObject({ error: { code: 'unavailable' } });
    } finally {
      redis.resume();
    }
    await expectRecovered();
    // A change after recovery goes through: the gate holds nothing back.
    const acked = await platform.api('PUT', '/api/users/carer1/duty', admin, { onDuty: true });
    expect(acked.status).toBe(200);
  }, 60_000);

  it('answers 503 within 2 s while Redis is dead (SIGKILL), and recovers when it restarts', async () => {
    statuses.length = 0;
    await redis.kill();
    try {
      await expect.poll(() => readyz(platform), { timeout: WITHIN_MS, interval: 50 }).toBe(503);
      await expectFailsFast();
      await expect.poll(() => statuses.map((s) => s.type)).toContain('service.unavailable');
    } finally {
      await redis.restart();
    }
    await expectRecovered();
    // The same token and data as before: a durable Redis kept them, and the client reconnected by itself.
    const users = await platform.api<{ id: string }[]>('GET', '/api/users?facilityId=f1', admin);
    expect(users.status).toBe(200);
    expect(users.body.map((u) => u.id)).toContain('carer1');
  }, 60_000);
});
