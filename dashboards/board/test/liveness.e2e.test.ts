import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  type RedisServer,
  startRedisServer,
} from '../../../packages/stores/test/redis-server.ts';
import { createPlatformClient } from '../../../services/vigil/test/harness.ts';
import { sharedSecrets, startVigilProcess, type VigilProcess } from '../../../services/vigil/test/vigil-process.ts';
import { BOARD_DIST, launchChromium, prepareBoard, skipBrowserTests } from './browser.ts';

/** As browser.ts does for Chromium: skipped with a warning on a workstation, a failure in CI. */
const skipRedis = !haveRedisServer && !process.env.CI;
if (skipRedis) console.warn(`board liveness and restart test skipped: ${REDIS_INSTALL_HINT}`);
/** Issue 14: a hung server shows "connection lost" within 10 s (it showed "Live" for 41 s). */
const LOST_WITHIN_MS = 10_000;
const CARER = { username: 'carer1', password: 'carer-pass-123' };

const signIn = async (page: Page, base: string) => {
  await page.goto(`${base}/`);
  await page.fill('#username', CARER.username);
  await page.fill('#password', CARER.password);
  await page.locator('button[type="submit"]').click();
  await page.getByText('Carer One').waitFor({ timeout: 10_000 });
  await page.getByText('Live', { exact: true }).waitFor({ timeout: 10_000 });
};
const storedToken = (page: Page) =>
  page.evaluate(() => (JSON.parse(sessionStorage.getItem('vigil.session') ?? '{}') as { token?: string }).token);

/**
 * The board against main.ts as its own OS process, as deployed, in Chromium. On Redis: the process
 * hung (SIGSTOP) shows "connection lost" within 10 s through the Socket.IO heartbeat, and is live again
 * after SIGCONT; the process restarted keeps every session (tokens verify under the shared JWT_SECRET,
 * revocations are in Redis), so the board reconnects, refreshes its token and stays signed in, and a
 * token logged out before the restart stays refused. In memory (the default), a restart forgets who
 * logged out, so tokens from before it are refused and the board says why (docs/security.md).
 */
describe.skipIf(skipBrowserTests || skipRedis)('board liveness and restarts (Chromium, real process)', () => {
  let redis: RedisServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const procs: VigilProcess[] = [];

  const newPage = async () => {
    const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 800 }, locale: 'en' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    return page;
  };
  const start = async (name: string, env: NodeJS.ProcessEnv) => {
    // TOKEN_TTL_S at its minimum: the board refreshes its token 30 s after signing in.
    const p = await startVigilProcess(name, { BOARD_DIR: BOARD_DIST, TOKEN_TTL_S: '60', ...env });
    procs.push(p);
    return { p, client: createPlatformClient(p.httpUrl, `mqtt://127.0.0.1:${p.mqttPort}`) };
  };

  beforeAll(async () => {
    await prepareBoard();
    redis = await startRedisServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    for (const p of procs) {
      // A test that failed while the process was stopped must not leave it stopped.
      process.kill(p.proc.pid, 'SIGCONT');
      await p.proc.stop();
    }
    await redis?.stop();
  });

  it('shows "connection lost" within 10 s of the server hanging, and Live again when it wakes', async () => {
    const { p, client } = await start('vigil-hang', sharedSecrets((redis as RedisServer).url, 'hang:'));
    await client.provision(1);
    const page = await newPage();
    await signIn(page, p.httpUrl);

    const lost = page.getByTestId('connection-lost');
    const stoppedAt = Date.now();
    process.kill(p.proc.pid, 'SIGSTOP');
    try {
      await lost.waitFor({ timeout: LOST_WITHIN_MS + 2_000 });
      const tookMs = Date.now() - stoppedAt;
      expect(tookMs).toBeLessThan(LOST_WITHIN_MS);
      await page.getByText('Offline', { exact: true }).waitFor({ timeout: 1_000 });
    } finally {
      process.kill(p.proc.pid, 'SIGCONT');
    }
    await page.getByText('Live', { exact: true }).waitFor({ timeout: 15_000 });
    await lost.waitFor({ state: 'detached', timeout: 5_000 });
  }, 90_000);

  it('keeps everyone signed in across a restart on Redis, and a logged-out token refused', async () => {
    const { p, client } = await start('vigil-restart', sharedSecrets((redis as RedisServer).url, 'restart:'));
    await client.provision(1);
    const page = await newPage();
    await signIn(page, p.httpUrl);
    const before = await storedToken(page);
    const loggedOut = await client.login(CARER.username, CARER.password);
    expect((await client.api('POST', '/api/auth/logout', loggedOut)).status).toBe(204);

    await p.proc.restart();
    // The board reconnects with the token it has, catches up and stays on the board.
    await page.getByText('Live', { exact: true }).waitFor({ timeout: 20_000 });
    expect((await client.api('GET', '/api/alerts?state=open', before)).status).toBe(200);
    expect((await client.api('GET', '/api/alerts?state=open', loggedOut)).status).toBe(401);
    // Then its refresh (30 s after sign-in) succeeds against the restarted process: a new token, still signed in.
    await expect.poll(() => storedToken(page), { timeout: 45_000, interval: 1_000 }).not.toBe(before);
    await page.getByText('Carer One').waitFor({ timeout: 1_000 });
    await page.getByText('Live', { exact: true }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#password').count()).toBe(0);
  }, 120_000);

  it('in memory, refuses tokens from before a restart and tells the user why', async () => {
    // A fixed JWT_SECRET without Redis: the tokens would verify after the restart, but the list of
    // logged-out ones is gone, so every token from before it must be refused.
    const { p, client } = await start('vigil-memory', {
      JWT_SECRET: randomBytes(24).toString('base64url'),
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'admin-pass-123',
    });
    await client.provision(1);
    const page = await newPage();
    await signIn(page, p.httpUrl);
    const before = await storedToken(page);

    await p.proc.restart();
    // The same accounts again (memory starts empty): only the restart can refuse the old token.
    await client.provision(1);
    expect((await client.api('GET', '/api/alerts?state=open', before)).status).toBe(401);
    await page
      .getByText('The Vigil server was restarted and could not keep you signed in. Please sign in again.')
      .waitFor({ timeout: 20_000 });
    await page.locator('#password').waitFor({ timeout: 1_000 });
    // A new sign-in works as ever.
    await signIn(page, p.httpUrl);
  }, 120_000);
});
