import type { RedisStores } from '@vigil/stores';
import { requireBinary } from '@vigil/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from '../../../packages/stores/test/redis-server.ts';
import { FleetWearable } from './fleet-wearable.ts';
import { createPlatformClient } from './harness.ts';
import {
  ackedNotInHistory,
  sharedSecrets,
  startVigilProcess,
  storesLike,
  type VigilProcess,
  watchBoardOnDuty,
} from './vigil-process.ts';

const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'redis restart test');

const WEARABLES = 10;
const SEND_EVERY_MS = 100;
const SAMPLES = 220;
/** Redis dies (SIGKILL) at this sample and comes back at `RESTART_AT`, about 12 s later. */
const KILL_AT = 40;
/**
 * 12 s down: longer than ioredis's default patience (20 reconnect attempts, about 10.5 s), after which
 * queued commands used to fail half-way through a record while its PUBACK went out anyway.
 */
const RESTART_AT = 160;
/** w1 presses SOS while Redis is down. */
const SOS_AT = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Issue 12 "Redis restart under load": one Vigil process with its embedded broker on a private,
 * durable redis-server, ten wearables at 10 Hz. Redis is killed (SIGKILL) mid-stream and restarted on
 * the same port and data dir. While it is down `/readyz` answers 503 (and `/healthz` 200: the process
 * is alive and must not be restarted), and no device gets a PUBACK for what it sent: the messages stay
 * in its outgoing store. Once Redis is back, `/readyz` is 200 again, every message is acknowledged,
 * every acknowledged sample is in the history, and the SOS pressed during the outage is on the board.
 */
describe.skipIf(skip)('Redis restarted under load', () => {
  let redis: RedisServer;
  let vigil: VigilProcess;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // What Redis acknowledged must survive its SIGKILL: `appendfsync always` writes the append-only
    // file before every reply (docs/deploy.md "Failure behaviour"); without it the last second of
    // acknowledged samples could be gone after the restart.
    redis = await startRedisServer({ durable: true });
    env = sharedSecrets(redis.url, 'restart:');
    vigil = await startVigilProcess('vigil', { ...env, VIGIL_ROLE: 'all' });
  }, 90_000);
  afterAll(async () => {
    await vigil?.proc.stop();
    await redis?.stop();
  }, 60_000);

  it('is not ready and acknowledges nothing while Redis is down, and loses nothing it acknowledged', async () => {
    const platform = createPlatformClient(vigil.httpUrl, `mqtt://127.0.0.1:${vigil.mqttPort}`);
    const wearables: FleetWearable[] = [];
    let stores: RedisStores | undefined;
    try {
      const { admin, devices } = await platform.provision(WEARABLES);
      const seen = await watchBoardOnDuty(platform);

      const t0 = Date.now() - (SAMPLES + 60) * 1000;
      for (const d of devices) wearables.push(await FleetWearable.connect(d.deviceId, d.secret, [vigil.mqttPort], t0));

      const readyWhileDown: number[] = [];
      const healthWhileDown: number[] = [];
      let pendingBeforeRestart = 0;
      for (let seq = 1; seq <= SAMPLES; seq++) {
        if (seq === KILL_AT) {
          await redis.kill();
          // PUBACKs for what Redis took just before it died may still be on their way; after this
          // pause (nothing is sent meanwhile) any PUBACK would be for a message Redis never had.
          await sleep(300);
          for (const w of wearables) w.hold(true);
        }
        if (seq > KILL_AT && seq < RESTART_AT && seq % 20 === 0) {
          readyWhileDown.push(await vigil.readyz());
          healthWhileDown.push((await fetch(`${vigil.httpUrl}/healthz`)).status);
        }
        if (seq === RESTART_AT) {
          pendingBeforeRestart = wearables.reduce((n, w) => n + w.pending(), 0);
          for (const w of wearables) w.hold(false);
          await redis.restart();
        }
        for (const w of wearables) {
          w.sample(seq, 72);
          if (w.deviceId === 'w1' && seq === SOS_AT) w.sos(seq);
        }
        await sleep(SEND_EVERY_MS);
      }

      // Down: not ready, still alive, and not one PUBACK; the devices held what they sent.
      expect(readyWhileDown).toEqual(readyWhileDown.map(() => 503));
      expect(readyWhileDown.length).toBeGreaterThan(3);
      expect(healthWhileDown).toEqual(healthWhileDown.map(() => 200));
      for (const w of wearables) expect(w.ackedWhileHeld, `${w.deviceId} PUBACKs while Redis was down`).toBe(0);
      // Every device sent for about 12 s without an acknowledgement (the SOS included).
      expect(pendingBeforeRestart).toBeGreaterThanOrEqual(WEARABLES * (RESTART_AT - KILL_AT - 20));

      // Back: ready again, everything acknowledged, nothing acknowledged lost.
      await expect.poll(() => vigil.readyz(), { timeout: 10_000, interval: 200 }).toBe(200);
      await Promise.all(wearables.map((w) => w.settled()));
      for (const w of wearables) expect(w.acked.size, `${w.deviceId} acknowledged`).toBe(SAMPLES);
      stores = await storesLike(redis.url, env);
      const history = stores.vitals;
      await expect
        .poll(() => ackedNotInHistory(history, wearables, SAMPLES), { timeout: 30_000, interval: 500 })
        .toEqual([]);

      // The SOS pressed while Redis was down is on the board once, after the recovery.
      type Alert = { kind: string; residentId?: string; occurrences: number };
      const sos = async () =>
        (await platform.must<Alert[]>('GET', '/api/alerts?facilityId=f1', admin)).filter((a) => a.kind === 'sos');
      await expect.poll(sos, { timeout: 10_000, interval: 250 }).toMatchObject([{ residentId: 'r1', occurrences: 1 }]);
      await expect
        .poll(() =>
          seen.filter((e) => e.type === 'alert.raised' && e.data.kind === 'sos').map((e) => e.data.residentId),
        )
        .toEqual(['r1']);
      // The process lived through it.
      expect((await fetch(`${vigil.httpUrl}/healthz`)).status).toBe(200);
    } finally {
      await Promise.all(wearables.map((w) => w.end()));
      platform.closeClients();
      await stores?.close();
    }
  }, 120_000);
});
