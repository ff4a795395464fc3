import { request } from 'node:http';
import { defaultArgon2Limits, limitArgon2 } from '@vigil/auth';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type Json, PASSWORD, startHarness } from './fixtures.ts';

/**
 * Issue 13 "cheap where unauthenticated", through `POST /api/auth/login`: failures back off per
 * source address and username, successes never, and argon2id work is bounded. Each test signs in
 * from its own loopback addresses (127.0.0.x), as users behind different NATs would.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
afterEach(() => limitArgon2(defaultArgon2Limits()));

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: Json;
}

/** A login sent from `from` (a 127.0.0.x address of this host). */
function loginFrom(
  from: string,
  username: string,
  password: string,
  headers: Record<string, string> = {},
  base = h.base,
): Promise<Answer> {
  const url = new URL('/api/auth/login', base);
  const payload = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', ...headers }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function statuses(from: string, username: string, password: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await loginFrom(from, username, password)).status);
  return out;
}

describe('login back-off (issue 13)', () => {
  it('backs off wrong passwords from one address with 429 and Retry-After; the right password elsewhere still works', async () => {
    expect(await statuses('127.0.0.2', 'care1', 'wrong-guess-1', 5)).toEqual([401, 401, 401, 401, 401]);
    const refused = await loginFrom('127.0.0.2', 'care1', 'wrong-guess-2');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.body.error.details).toEqual({ retryAfterS: Number(refused.retryAfter) });
    // While backing off, nothing is checked there: the right password gets the same cheap answer...
    expect((await loginFrom('127.0.0.2', 'care1', PASSWORD)).status).toBe(429);
    // ...but the guesser's address is not the user's: from elsewhere the user signs in.
    expect((await loginFrom('127.0.0.3', 'care1', PASSWORD)).status).toBe(200);
  });

  it('never limits successful logins, however many from one address (a shared NAT)', async () => {
    for (const user of ['care2', 'manager1', 'admin'])
      expect(await statuses('127.0.0.4', user, PASSWORD, 15)).toEqual(Array(15).fill(200));
  });

  it('a sprayer of many usernames is backed off by address, but users who signed in there before are not', async () => {
    expect((await loginFrom('127.0.0.5', 'care1z2', PASSWORD)).status).toBe(200);
    const spray: number[] = [];
    for (let i = 0; i < 15; i++) spray.push((await loginFrom('127.0.0.5', `nobody-${i}`, 'guess-guess')).status);
    expect(spray.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(spray.slice(10)).toEqual(Array(5).fill(429));
    expect((await loginFrom('127.0.0.5', 'care1z2', PASSWORD)).status).toBe(200);
    // A stranger to that address is refused there cheaply, and not anywhere else.
    expect((await loginFrom('127.0.0.5', 'medical1', PASSWORD)).status).toBe(429);
    expect((await loginFrom('127.0.0.6', 'medical1', PASSWORD)).status).toBe(200);
  });

  it('guessing one account from many addresses cannot lock its user out where they usually sign in', async () => {
    expect((await loginFrom('127.0.0.7', 'manager2', PASSWORD)).status).toBe(200);
    for (let a = 10; a < 20; a++) await loginFrom(`127.0.1.${a}`, 'manager2', 'wrong-guess');
    expect((await loginFrom('127.0.1.99', 'manager2', 'wrong-guess')).status).toBe(429);
    expect((await loginFrom('127.0.0.7', 'manager2', PASSWORD)).status).toBe(200);
  });

  it('a parallel burst of wrong passwords gets five verifications, the rest are refused at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => loginFrom('127.0.0.8', 'res1user', 'parallel-guess')),
    );
    const counts = { 401: 0, 429: 0 };
    for (const a of answers) counts[a.status as 401 | 429]++;
    expect(counts).toEqual({ 401: 5, 429: 35 });
  });

  it('refuses with 503 busy and Retry-After when the argon2 gate is full, instead of queueing', async () => {
    limitArgon2({ maxConcurrent: 1, maxQueued: 1 });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => loginFrom(`127.0.2.${i + 1}`, `someone-${i}`, 'wrong-guess')),
    );
    const busy = answers.filter((a) => a.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 503 || a.status === 401)).toBe(true);
    for (const a of busy) {
      expect(a.body.error.code).toBe('busy');
      expect(a.retryAfter).toBe('1');
    }
    // Busy is no verdict on the password: it does not count as a failure (else the fifth would be 429).
    limitArgon2(defaultArgon2Limits());
    const i = answers.findIndex((a) => a.status === 503);
    expect(await statuses(`127.0.2.${i + 1}`, `someone-${i}`, 'wrong-guess', 5)).toEqual(Array(5).fill(401));
  });
});

describe('login back-off behind a reverse proxy (TRUST_PROXY)', () => {
  let proxied: Harness;
  const PROXY = '127.0.0.9';
  beforeAll(async () => {
    proxied = await startHarness({ deps: { trustProxy: [PROXY] } });
  });
  afterAll(() => proxied.close());
  const via = (from: string, client: string, username: string, password: string) =>
    loginFrom(from, username, password, { 'x-forwarded-for': client }, proxied.base);

  it("backs off the client's address that the proxy names, not the proxy's, so other clients still sign in", async () => {
    for (let i = 0; i < 10; i++)
      expect((await via(PROXY, '203.0.113.5', `nobody-${i}`, 'guess-guess')).status).toBe(401);
    expect((await via(PROXY, '203.0.113.5', 'someone', 'guess-guess')).status).toBe(429);
    // Behind the same proxy, a client never seen before is not that sprayer.
    expect((await via(PROXY, '203.0.113.6', 'care1', PASSWORD)).status).toBe(200);
  });

  it('ignores X-Forwarded-For from anyone but the proxy: a client cannot choose its own address', async () => {
    for (let i = 0; i < 5; i++)
      expect((await via('127.0.0.10', `198.51.100.${i}`, 'care2', 'wrong-guess')).status).toBe(401);
    expect((await via('127.0.0.10', '198.51.100.99', 'care2', 'wrong-guess')).status).toBe(429);
  });
});
