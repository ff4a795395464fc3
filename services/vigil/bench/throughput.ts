#!/usr/bin/env tsx
/**
 * `pnpm bench:throughput`: vitals samples judged per second by one platform process, with its state in
 * memory and then in a private Redis (the state a multi-process deployment shares: rule memory, seq
 * claims and lease locks cost Redis round trips per sample), measured in the same run since absolute
 * rates on shared machines are noisy. Wearables publish QoS 1 as fast as the broker takes them; the
 * rate is samples accepted by the ingest (device counters) over the time from the first publish to the
 * last sample counted. Needs redis-server for the second half. Prints numbers; asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { haveRedisServer, REDIS_INSTALL_HINT, startRedisServer } from '../../../packages/stores/test/redis-server.ts';
import { Redis } from 'ioredis';
import { type Platform, startPlatform } from '../test/harness.ts';

const WEARABLES = Number(process.env.BENCH_WEARABLES ?? 20);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 500);
const JWT_SECRET = 'throughput-bench-secret-0123456789abcdef';

async function run(p: Platform): Promise<number> {
  const { devices, admin } = await p.provision(WEARABLES);
  const conns = await Promise.all(devices.map((d) => p.connectDevice(d.deviceId, d.secret)));
  const t0 = Date.now() - SAMPLES * 1000;
  const start = performance.now();
  await Promise.all(
    conns.map(async (conn, k) => {
      const topic = `care/f1/devices/${devices[k]!.deviceId}/vitals`;
      // A window of QoS 1 publishes in flight per wearable, as firmware with a send queue would do.
      const window: Promise<unknown>[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const sample = { ts: t0 + i * 1000, seq: i + 1, hr: 70 + (i % 7), spo2: 97, rr: 16, worn: true };
        window.push(conn.publishAsync(topic, JSON.stringify(sample), { qos: 1 }));
        if (window.length >= 32) await window.shift();
      }
      await Promise.all(window);
    }),
  );
  type Device = { counters: { accepted: number } };
  for (;;) {
    let accepted = 0;
    for (const d of devices)
      accepted += (await p.must<Device>('GET', `/api/devices/${d.deviceId}`, admin)).counters.accepted;
    if (accepted >= WEARABLES * SAMPLES) break;
    // Not faster: on Redis these reads are commands too, counted in the commands per sample.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - start) / 1000;
  return (WEARABLES * SAMPLES) / seconds;
}

const memory = await startPlatform();
let memoryRate: number;
try {
  memoryRate = await run(memory);
} finally {
  await memory.stop();
}
console.log(`memory state: ${memoryRate.toFixed(0)} samples/s (${WEARABLES} wearables × ${SAMPLES} samples)`);

if (!haveRedisServer) {
  console.log(`Redis half skipped: ${REDIS_INSTALL_HINT}`);
} else {
  const redis = await startRedisServer();
  try {
    // Health data sealed as in production (docs/deploy.md "Encryption at rest").
    const encryptionKey = randomBytes(32);
    const onRedis = await startPlatform({
      redis: { url: redis.url, keyPrefix: 'bench:', encryptionKey },
      jwtSecret: JWT_SECRET,
    });
    let redisRate: number;
    const probe = new Redis(redis.url);
    let commands: number;
    try {
      const before = await commandCount(probe);
      redisRate = await run(onRedis);
      commands = (await commandCount(probe)) - before - 1;
      if (process.env.BENCH_COMMANDS) console.log(await probe.info('commandstats'));
    } finally {
      probe.disconnect();
      await onRedis.stop();
    }
    console.log(
      `Redis state:  ${redisRate.toFixed(0)} samples/s, ${(redisRate / memoryRate).toFixed(2)}× the memory rate; ` +
        `${(commands / (WEARABLES * SAMPLES)).toFixed(2)} Redis commands per sample (the counter reads included)`,
    );
  } finally {
    await redis.stop();
  }
}

/** Commands the server has run so far (`INFO commandstats`), whoever sent them. */
async function commandCount(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let calls = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) calls += Number(m[1]);
  return calls;
}
