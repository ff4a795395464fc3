import { randomBytes } from 'node:crypto';
import type { AlertEnvelope } from '@vigil/contracts';
import { ManualClock } from '@vigil/runtime';
import { requireBinary } from '@vigil/testkit';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisCluster,
  REDIS_CLUSTER_BINARIES,
  REDIS_CLUSTER_INSTALL_HINT,
  startRedisCluster,
} from '../../../packages/stores/test/redis-cluster.ts';
import { loadConfig } from '../src/config.ts';
import { type BoardSocket, type Platform, startPlatform } from './harness.ts';

const skip = requireBinary(REDIS_CLUSTER_BINARIES, REDIS_CLUSTER_INSTALL_HINT, 'redis cluster platform test');

/** The first `alert` event on a board socket that matches `pred`. */
// Generous: on a loaded CI machine a stop may not hand its partitions over in time, and the restarted
// engine then owns them only once their 5 s leases have run out (real time, not the test's clock).
function nextAlert(socket: BoardSocket, pred: (e: AlertEnvelope) => boolean, timeoutMs = 25_000) {
  return new Promise<AlertEnvelope>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching alert event')), timeoutMs);
    const on = (e: AlertEnvelope) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      socket.off('alert', on);
      resolve(e);
    };
    socket.on('alert', on);
  });
}

/**
 * Issue 12 "Redis as a real distributed engine": the platform configured with REDIS_CLUSTER_NODES on
 * a private 3-master Redis Cluster. An SOS reaches a caregiver's socket; vitals raise a rule alert
 * after a restart of the engine, whose rule window resumed from its partition checkpoint; the state is
 * spread over every master.
 */
describe.skipIf(skip)('the platform on a Redis Cluster', () => {
  let cluster: RedisCluster;
  let clock: ManualClock;
  let p: Platform | undefined;
  const secrets = {
    JWT_SECRET: 'cluster-test-secret-0123456789abcdef',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DEVICE_SECRET_PEPPER: randomBytes(32).toString('base64'),
  };
  /** Through the configuration, as `main.ts` reads it. */
  const start = () => {
    const loaded = loadConfig({ ...secrets, REDIS_CLUSTER_NODES: cluster.nodesEnv, REDIS_KEY_PREFIX: 'cluster:' });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const { redis, jwtSecret, devicePeppers } = loaded.config;
    return startPlatform({
      clock,
      ...(redis && { redis }),
      ...(jwtSecret && { jwtSecret }),
      ...(devicePeppers && { devicePeppers }),
    });
  };

  beforeAll(async () => {
    cluster = await startRedisCluster();
    clock = new ManualClock(Date.now());
  });
  afterAll(async () => {
    await p?.stop();
    await cluster?.stop();
  });

  it('SOS to a caregiver socket; a rule alert after an engine restart resumed its window from the checkpoint', async () => {
    p = await start();
    const { devices } = await p.provision(1);
    const { deviceId, secret, residentId } = devices[0]!;
    const carer = await p.login('carer1', 'carer-pass-123');
    await p.api('PUT', '/api/users/carer1/duty', carer, { onDuty: true });
    const board = await p.connectBoard(carer);

    // 30 s of a fast pulse (half the 60 s window of the heart-rate rule), then an SOS.
    const t0 = clock.now();
    const wearable = await p.connectDevice(deviceId, secret);
    const samples = Array.from({ length: 30 }, (_, i) => ({ ts: t0 - 29_000 + i * 1000, seq: i + 1, hr: 125 }));
    await wearable.publishAsync(`care/f1/devices/${deviceId}/vitals`, JSON.stringify({ samples }), { qos: 1 });
    const sos = nextAlert(board, (e) => e.type === 'alert.raised' && e.data.kind === 'sos');
    await wearable.publishAsync(`care/f1/devices/${deviceId}/events`, JSON.stringify({ ts: t0, seq: 1, type: 'sos' }), {
      qos: 1,
    });
    expect((await sos).data).toMatchObject({ kind: 'sos', state: 'active', residentId, deviceId });
    await wearable.endAsync();
    await p.stop();
    p = undefined;

    // The engine starts again a minute later: its partitions resume from their checkpoints, so 5 more
    // seconds of the fast pulse complete the 60 s window (a fresh window would need a whole minute).
    clock.advance(61_000);
    p = await start();
    clock.advance(1000);
    const carer2 = await p.login('carer1', 'carer-pass-123');
    const board2 = await p.connectBoard(carer2);
    const again = await p.connectDevice(deviceId, secret);
    const hrHigh = nextAlert(board2, (e) => e.type === 'alert.raised' && e.data.kind === 'vital.hr_high');
    const more = Array.from({ length: 5 }, (_, i) => ({ ts: clock.now() - 4_000 + i * 1000, seq: 100 + i, hr: 126 }));
    await again.publishAsync(`care/f1/devices/${deviceId}/vitals`, JSON.stringify({ samples: more }), { qos: 1 });
    expect((await hrHigh).data).toMatchObject({ kind: 'vital.hr_high', residentId });
    const admin = await p.login('admin', 'admin-pass-123');
    const kinds = (await p.api<{ kind: string }[]>('GET', '/api/alerts?facilityId=f1', admin)).body.map((a) => a.kind);
    expect(kinds.sort()).toEqual(['sos', 'vital.hr_high']);

    // Tagged by partition, facility, resident and collection, the keys land on every master.
    const client = new Cluster(cluster.nodes);
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const sizes = await Promise.all(client.nodes('master').map((n) => n.dbsize()));
      expect(sizes).toHaveLength(3);
      for (const size of sizes) expect(size).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  }, 90_000);
});
