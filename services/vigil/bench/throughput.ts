#!/usr/bin/env tsx
/**
 * `pnpm bench:throughput`: vitals samples judged per second by one platform process, with its state in
 * memory and then in a private Redis (the state a multi-process deployment shares: rule memory, seq
 * claims and lease locks cost Redis round trips per sample), measured in the same run since absolute
 * rates on shared machines are noisy. Wearables publish QoS 1 as fast as the broker takes them; the
 * rate is samples accepted by the ingest (device counters) over the time from the first publish to the
 * last sample counted. Needs redis-server for the second half. Prints numbers; asserts nothing.
 *
 * Redis cost per sample, three ways (checked on redis-server 7.0 with a script of 10 `redis.call`s, 100
 * auto-pipelined and 100 awaited SETs): commands as `INFO commandstats` counts them (every
 * `redis.call` inside a script counts, as in `total_commands_processed`); top-level commands, as this
 * process's clients wrote them to their sockets (ioredis `Command.toWritable`, counted here); and
 * round trips, the server's socket read events (`total_reads_processed`): 100 pipelined SETs are one,
 * 100 awaited ones are 100 (a batch larger than the server's 16 KB read buffer counts one per 16 KB).
 * Counted from before the load to after the platform stopped, so write-behind buffers flushed at stop
 * are included.
 */
import { randomBytes } from 'node:crypto';
import { haveRedisServer, REDIS_INSTALL_HINT, startRedisServer } from '../../../packages/stores/test/redis-server.ts';
import { Command, Redis } from 'ioredis';
import { FieldCipher, type SealContext } from '@vigil/stores';
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
    let cost: ServerCounters;
    let topLevel: number;
    let cipherCalls: Map<string, number>;
    try {
      const before = await serverCounters(probe);
      const written = countWrittenCommands();
      const cipher = countCipherCalls();
      try {
        redisRate = await run(onRedis);
      } finally {
        await onRedis.stop();
        topLevel = written.stop();
        cipherCalls = cipher.stop();
      }
      const after = await serverCounters(probe);
      // The INFO before is counted in `after`'s command count; the INFO after's read is counted in it.
      cost = { commands: after.commands - before.commands - 1, reads: after.reads - before.reads - 1 };
      if (process.env.BENCH_COMMANDS) {
        console.log(await probe.info('commandstats'));
        console.log('bytes written by command (top-level, as the clients wrote them):');
        for (const [label, { calls, bytes }] of [...written.bytes].sort((a, b) => b[1].bytes - a[1].bytes))
          console.log(`  ${label}: ${calls} calls, ${bytes} bytes, ${(bytes / calls).toFixed(0)} bytes/call`);
        console.log('AES-GCM seals and opens by record kind and field:');
        for (const [label, calls] of [...cipherCalls].sort((a, b) => b[1] - a[1])) console.log(`  ${label}: ${calls}`);
      }
    } finally {
      probe.disconnect();
    }
    const perSample = (n: number) => (n / (WEARABLES * SAMPLES)).toFixed(2);
    console.log(
      `Redis state:  ${redisRate.toFixed(0)} samples/s, ${(redisRate / memoryRate).toFixed(2)}× the memory rate; ` +
        `${perSample(cost.commands)} Redis commands per sample (the counter reads included)`,
    );
    console.log(
      `  per sample: ${perSample(cost.commands)} commands (INFO commandstats: script internals included), ` +
        `${perSample(topLevel)} top-level commands (as the clients wrote them), ` +
        `${perSample(cost.reads)} round trips (INFO total_reads_processed: one per batch a connection sends at once)`,
    );
    const sum = (op: string) =>
      [...cipherCalls].reduce((n, [label, calls]) => n + (label.startsWith(op) ? calls : 0), 0);
    console.log(
      `  per sample: ${perSample(sum('seal'))} AES-GCM seals, ${perSample(sum('open'))} opens (field encryption)`,
    );
  } finally {
    await redis.stop();
  }
}

interface ServerCounters {
  /** Commands run, `redis.call`s inside scripts included (`INFO commandstats`). */
  commands: number;
  /** Socket read events: a client's round trip, however many commands it pipelined (`total_reads_processed`). */
  reads: number;
}

/** The server's counters so far, whoever sent the commands; one INFO (one command, one read). */
async function serverCounters(redis: Redis): Promise<ServerCounters> {
  const info = await redis.info('all');
  let commands = 0;
  for (const m of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) commands += Number(m[1]);
  return { commands, reads: Number(/^total_reads_processed:(\d+)/m.exec(info)?.[1] ?? Number.NaN) };
}

/**
 * Counts the commands ioredis writes to a socket from now until `stop()` (every client in this
 * process: the platform's, pipelined or not; a resend after a reconnect counts again, as it is sent again),
 * and their bytes by command (a script by the pattern of its first key), which `BENCH_COMMANDS` prints.
 */
function countWrittenCommands(): { stop(): number; bytes: Map<string, { calls: number; bytes: number }> } {
  const proto = Command.prototype;
  const original = proto.toWritable;
  let written = 0;
  const bytes = new Map<string, { calls: number; bytes: number }>();
  proto.toWritable = function (this: Command, socket: object) {
    written++;
    const out = original.call(this, socket);
    const script = this.name === 'evalsha' || this.name === 'eval';
    const label = script ? `${this.name} ${keyPattern(String(this.args[2] ?? ''))}` : this.name;
    const entry = bytes.get(label) ?? { calls: 0, bytes: 0 };
    entry.calls++;
    entry.bytes += typeof out === 'string' ? Buffer.byteLength(out) : out.length;
    bytes.set(label, entry);
    return out;
  };
  return {
    bytes,
    stop() {
      proto.toWritable = original;
      return written;
    },
  };
}

/** Counts the field cipher's seals and opens in this process until `stop()`, by `seal|open kind:field`. */
function countCipherCalls(): { stop(): Map<string, number> } {
  const proto = FieldCipher.prototype;
  const { seal, open } = proto;
  const calls = new Map<string, number>();
  const count = (op: string, ctx: SealContext) => {
    const label = `${op} ${ctx.kind}:${ctx.field}`;
    calls.set(label, (calls.get(label) ?? 0) + 1);
  };
  proto.seal = function (this: FieldCipher, scope: string, ctx: SealContext, plaintext: string) {
    count('seal', ctx);
    return seal.call(this, scope, ctx, plaintext);
  };
  proto.open = function (this: FieldCipher, ctx: SealContext, raw: string) {
    count('open', ctx);
    return open.call(this, ctx, raw);
  };
  return {
    stop() {
      proto.seal = seal;
      proto.open = open;
      return calls;
    },
  };
}

/** A key with its ids blanked (`bench:{r:r12}:vitals` → `bench:{r:*}:vitals`). */
function keyPattern(key: string): string {
  return key.replace(/\{([a-z]+:)?[^}]*\}/g, '{$1*}').replace(/:[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*/g, ':*');
}
