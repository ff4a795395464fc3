import type { AlertEnvelope } from '@vigil/contracts';
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

const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'engine failover test');

const PARTITIONS = 64;
/** 40 wearables at 10 Hz: the first half connect to engine 1, the others to engine 2. */
const WEARABLES = 40;
const ON_ENGINE_1 = (i: number) => i <= WEARABLES / 2;
const SEND_EVERY_MS = 100;
/** Samples per wearable, one device second apart: device time runs ten times faster than real time. */
const SAMPLES = 200;
/** Engine 1 freezes (SIGSTOP) at this sample, so the samples after it get no PUBACK, then dies (SIGKILL). */
const FREEZE_AT = 80;
const KILL_AT = 90;
/**
 * Lease 5 s, renewed every second (partition-manager.ts): the dead engine's leases and membership run
 * out within 5 s of its last renewal and the survivor's next tick takes them. 10 s is the bound.
 */
const TAKEOVER_BOUND_MS = 10_000;
/** SOS presses on both engines' devices: before the freeze, while engine 1 is frozen, after the kill. */
const SOS: Record<string, number> = { w1: 30, w2: 85, w3: 150, w21: 30, w22: 85, w23: 150 };
/**
 * A fast pulse (125 bpm, high for 60 s of device time raises `vital.hr_high`) from these samples to the
 * end: raised before the freeze (from 10), or with its window spanning the takeover (from 40).
 */
const FAST_FROM: Record<string, number> = { w4: 10, w24: 10, w5: 40, w25: 40 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Issue 12 "a fault test that SIGKILLs one engine of two under load": two Vigil processes, each with
 * its embedded broker, share one Redis (the partition log, leases, checkpoints, state). Engine 1
 * (VIGIL_ROLE=engine) is frozen and then killed mid-stream; its wearables reconnect to engine 2
 * (VIGIL_ROLE=all, whose board a caregiver watches) and send again what got no PUBACK. Engine 2 owns
 * every partition within 10 s; every SOS is on the board exactly once; every acknowledged sample is in
 * the history; a sustained pulse alert is raised once.
 */
describe.skipIf(skip)('an engine of two killed under load', () => {
  let redis: RedisServer;
  let engine1: VigilProcess;
  let engine2: VigilProcess;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // The PUBACK promises the record is in Redis: with `appendfsync always` Redis has it on disk
    // before it answers, the configuration docs/deploy.md asks for, so the test runs what it promises.
    redis = await startRedisServer({ durable: true });
    env = sharedSecrets(redis.url, 'failover:');
    // Engine 2 first, alone with every partition; engine 1 joins and takes its rendezvous share.
    engine2 = await startVigilProcess('vigil-2', { ...env, VIGIL_ROLE: 'all' });
    engine1 = await startVigilProcess('vigil-1', { ...env, VIGIL_ROLE: 'engine' });
  }, 120_000);
  afterAll(async () => {
    await engine1?.proc.stop();
    await engine2?.proc.stop();
    await redis?.stop();
  }, 60_000);

  it('hands the dead engine partitions over within 10 s, losing and duplicating nothing', async () => {
    const platform = createPlatformClient(engine2.httpUrl, `mqtt://127.0.0.1:${engine2.mqttPort}`);
    const wearables: FleetWearable[] = [];
    let stores: RedisStores | undefined;
    try {
      const { admin, devices } = await platform.provision(WEARABLES);
      const seen = await watchBoardOnDuty(platform);

      // Both engines own a share before the load starts, so the kill really moves partitions.
      const owned = (engine: VigilProcess) => engine.metric('vigil_partitions_owned');
      await expect
        .poll(
          async () => {
            const [one, two] = [await owned(engine1), await owned(engine2)];
            return one > 0 && two > 0 && one + two === PARTITIONS;
          },
          { timeout: 20_000, interval: 200 },
        )
        .toBe(true);

      // The stream starts in the past so device time never runs ahead of the clock.
      const t0 = Date.now() - (SAMPLES + 60) * 1000;
      for (const [i, d] of devices.entries()) {
        const ports = ON_ENGINE_1(i + 1) ? [engine1.mqttPort, engine2.mqttPort] : [engine2.mqttPort, engine1.mqttPort];
        wearables.push(await FleetWearable.connect(d.deviceId, d.secret, ports, t0));
      }
      const onEngine1 = wearables.filter((_, i) => ON_ENGINE_1(i + 1));

      let takeover: Promise<number> | undefined;
      let pendingAtKill: number[] = [];
      for (let seq = 1; seq <= SAMPLES; seq++) {
        if (seq === FREEZE_AT) process.kill(engine1.proc.pid, 'SIGSTOP');
        if (seq === KILL_AT) {
          pendingAtKill = onEngine1.map((w) => w.pending());
          process.kill(engine1.proc.pid, 'SIGKILL');
          takeover = msUntil(async () => (await owned(engine2)) === PARTITIONS, 3 * TAKEOVER_BOUND_MS);
        }
        for (const w of wearables) {
          const fastFrom = FAST_FROM[w.deviceId];
          w.sample(seq, fastFrom !== undefined && seq >= fastFrom ? 125 : 72);
          if (SOS[w.deviceId] === seq) w.sos(seq);
        }
        await sleep(SEND_EVERY_MS);
      }

      // Every partition is the survivor's within the bound, counted from the SIGKILL.
      expect(await takeover).toBeLessThan(TAKEOVER_BOUND_MS);

      // Engine 1's wearables held what it never acknowledged (it was frozen), reconnected to engine 2
      // and sent it again: now every publish of every wearable is acknowledged.
      for (const [i, pending] of pendingAtKill.entries())
        expect(pending, `${onEngine1[i]?.deviceId} unacknowledged at the kill`).toBeGreaterThan(0);
      for (const w of onEngine1) expect(w.reconnects, `${w.deviceId} reconnects`).toBeGreaterThan(0);
      await Promise.all(wearables.map((w) => w.settled()));
      for (const w of wearables) expect(w.acked.size, `${w.deviceId} acknowledged`).toBe(SAMPLES);

      // Every SOS and every sustained pulse alert exactly once, on the board and in the store.
      const expected = [
        ...Object.keys(SOS).map((d) => `r${d.slice(1)} sos`),
        ...Object.keys(FAST_FROM).map((d) => `r${d.slice(1)} vital.hr_high`),
      ].sort();
      type Alert = { kind: string; residentId?: string; occurrences: number };
      const alerts = async () =>
        (await platform.must<Alert[]>('GET', '/api/alerts?facilityId=f1', admin)).filter(
          (a) => a.kind === 'sos' || a.kind === 'vital.hr_high',
        );
      const keys = (list: { kind: string; residentId?: string }[]) =>
        list.map((a) => `${a.residentId} ${a.kind}`).sort();
      await expect.poll(async () => keys(await alerts()), { timeout: 20_000, interval: 250 }).toEqual(expected);
      await expect.poll(() => keys(raised(seen)), { timeout: 5_000 }).toEqual(expected);
      for (const a of await alerts()) expect(a.occurrences, `${a.residentId} ${a.kind} occurrences`).toBe(1);

      // Every acknowledged sample reaches its resident's history (read straight from Redis), once the
      // survivor has worked through the backlog the takeover left it.
      stores = await storesLike(redis.url, env);
      const history = stores.vitals;
      await expect
        .poll(() => ackedNotInHistory(history, wearables, SAMPLES), { timeout: 30_000, interval: 500 })
        .toEqual([]);
      // No alert raised twice: the takeover's replay found them open (nothing more arrives late).
      await sleep(1_000);
      expect(keys(raised(seen))).toEqual(expected);
    } finally {
      await Promise.all(wearables.map((w) => w.end()));
      platform.closeClients();
      await stores?.close();
    }
  }, 120_000);
});

/** Milliseconds until `check` holds, polled every 100 ms; Infinity after `limitMs`. */
async function msUntil(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < limitMs) {
    if (await check().catch(() => false)) return Date.now() - start;
    await sleep(100);
  }
  return Number.POSITIVE_INFINITY;
}

function raised(seen: AlertEnvelope[]): { kind: string; residentId?: string }[] {
  return seen
    .filter((e) => e.type === 'alert.raised')
    .map((e) => e.data as { kind: string; residentId?: string })
    .filter((a) => a.kind === 'sos' || a.kind === 'vital.hr_high');
}
