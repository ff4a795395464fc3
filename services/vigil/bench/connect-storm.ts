#!/usr/bin/env tsx
/**
 * `pnpm bench:connect`: how long BENCH_DEVICES devices (default 2000) take to connect at once, as after
 * a broker restart or a facility-wide network outage (issue 12 "fast device authentication"). The
 * devices connect from a separate process, BENCH_IN_FLIGHT CONNECTs in flight at a time (default 500),
 * each until its CONNACK; the connections stay open until the last one is up. Timed side by side in
 * the same run (STYLE.md §16): a bare aedes broker that accepts every CONNECT; the platform's embedded
 * broker with device secrets as provisioned now (HMAC-SHA-256 under the pepper), first connect and
 * reconnect; and, unless BENCH_LEGACY=0, with argon2id hashes as provisioned before issue 12: their
 * first connect verifies with argon2id and rewrites each hash, the reconnect after it is an HMAC.
 * Prints numbers; asserts nothing.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hashNewDeviceSecret, hashSecret } from '@vigil/auth';
import { newSecret } from '@vigil/runtime';
import mqtt, { type MqttClient } from 'mqtt';
import { startBareBroker } from '../../../packages/broker/test/bare-broker.ts';
import { type Platform, startPlatform } from '../test/harness.ts';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 2000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 500);
const LEGACY = process.env.BENCH_LEGACY !== '0';

interface Credentials {
  id: string;
  secret: string;
}
interface StormOrder {
  url: string;
  devices: Credentials[];
  inFlight: number;
}
interface StormResult {
  seconds: number;
  connected: number;
  refused: number;
  p50Ms: number;
  p99Ms: number;
}

/** The device side (child process): every device connects once, `inFlight` CONNECTs at a time. */
async function storm({ url, devices, inFlight }: StormOrder): Promise<StormResult> {
  const clients: MqttClient[] = [];
  const latencies: number[] = [];
  let next = 0;
  let refused = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < devices.length) {
      const d = devices[next++] as Credentials;
      const t0 = performance.now();
      try {
        const client = await mqtt.connectAsync(url, {
          username: d.id,
          password: d.secret,
          clientId: d.id,
          protocolVersion: 4,
          reconnectPeriod: 0,
          // A storm of slow verifications must be timed, not cut short by the client.
          connectTimeout: 600_000,
          keepalive: 300,
        });
        clients.push(client);
        latencies.push(performance.now() - t0);
      } catch {
        refused++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, devices.length) }, worker));
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  return { seconds, connected: clients.length, refused, p50Ms: q(0.5), p99Ms: q(0.99) };
}

/** Runs one storm in a fresh child process (this file with `--devices`) and returns its numbers. */
async function timeStorm(order: StormOrder): Promise<StormResult> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--devices'], { stdio: 'inherit' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const result = new Promise<StormResult>((resolve, reject) => {
    child.once('message', (m) => resolve(m as StormResult));
    void exited.then((code) => reject(new Error(`device process exited with ${code} before reporting`)));
  });
  child.send(order);
  try {
    return await result;
  } finally {
    await exited;
  }
}

const line = (name: string, r: StormResult) =>
  `${name.padEnd(44)} ${r.seconds.toFixed(2).padStart(7)} s  ` +
  `(${r.connected} connected, ${r.refused} refused; CONNACK p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms)`;

/** Devices put straight into the store (REST would take longer than the storm), hashed as `hash` says. */
async function provision(p: Platform, hash: (secret: string) => Promise<string> | string): Promise<Credentials[]> {
  const devices: Credentials[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const d = { id: `bench-${String(i).padStart(5, '0')}`, secret: newSecret() };
    await p.app.stores.devices.put({
      id: d.id,
      kind: 'wearable',
      facilityId: 'f1',
      secretHash: await hash(d.secret),
      state: 'provisioned',
      createdAt: Date.now(),
    });
    devices.push(d);
  }
  return devices;
}

async function main(): Promise<void> {
  console.log(`${DEVICES} devices, ${IN_FLIGHT} CONNECTs in flight, from a separate process`);
  const bare = await startBareBroker();
  try {
    const devices = Array.from({ length: DEVICES }, (_, i) => ({ id: `bare-${i}`, secret: 'unused' }));
    console.log(
      line(
        'bare aedes (no authentication)',
        await timeStorm({ url: bareUrl(bare.port), devices, inFlight: IN_FLIGHT }),
      ),
    );
  } finally {
    await bare.close();
  }

  const p = await startPlatform();
  try {
    // As REST provisioning hashes them: an HMAC under the platform's pepper.
    const devices = await provision(p, (secret) => hashNewDeviceSecret(p.app.deviceSecrets, secret));
    const order = { url: p.mqttUrl, devices, inFlight: IN_FLIGHT };
    console.log(line('platform, HMAC hashes: first connect', await timeStorm(order)));
    console.log(line('platform, HMAC hashes: reconnect', await timeStorm(order)));
  } finally {
    await p.stop();
  }

  if (!LEGACY) return;
  const q = await startPlatform();
  try {
    // One argon2id hash for every device (its verify cost is what a storm pays; hashing 10,000 would
    // take minutes); each device still proves it and has its hash rewritten separately.
    const shared = newSecret();
    const legacy = await hashSecret(shared);
    const devices = (await provision(q, () => legacy)).map((d) => ({ ...d, secret: shared }));
    const order = { url: q.mqttUrl, devices, inFlight: IN_FLIGHT };
    console.log(line('platform, argon2id hashes: first connect', await timeStorm(order)));
    const rewritten = (await q.app.stores.devices.list()).filter((d) => d.secretHash !== legacy).length;
    console.log(`${' '.repeat(45)}(${rewritten} of ${DEVICES} hashes rewritten as HMACs)`);
    console.log(line('platform, argon2id hashes: reconnect', await timeStorm(order)));
  } finally {
    await q.stop();
  }
}

const bareUrl = (port: number) => `mqtt://127.0.0.1:${port}`;

if (process.argv[2] === '--devices') {
  process.once('message', (order) => {
    void storm(order as StormOrder).then((r) => process.send?.(r, () => process.exit(0)));
  });
} else {
  await main();
}
