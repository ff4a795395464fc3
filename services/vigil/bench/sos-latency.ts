#!/usr/bin/env tsx
/**
 * `pnpm bench:sos`: SOS → caregiver socket latency on the in-process path (device publish over real MQTT
 * → aedes → ingest → monitor → alert service → event log → Socket.IO → client), against the bare
 * broker (a QoS 1 PUBACK round trip on the same connection) measured in the same run, since absolute
 * times on shared machines are noisy. Prints numbers; asserts nothing.
 */
import type { AlertEnvelope } from '@vigil/contracts';
import { startPlatform } from '../test/harness.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const RESIDENTS = 10;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return { median: q(0.5), p90: q(0.9), p99: q(0.99), max: s.at(-1) ?? Number.NaN };
};
const fmt = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v.toFixed(2)} ms`)
    .join(', ');

const p = await startPlatform();
try {
  const { devices } = await p.provision(RESIDENTS);
  const carer = await p.login('carer1', 'carer-pass-123');
  const board = await p.connectBoard(carer);
  const conns = await Promise.all(devices.map((d) => p.connectDevice(d.deviceId, d.secret)));

  const waiting = new Map<string, (e: AlertEnvelope) => void>();
  board.on('alert', (e) => {
    if (e.type === 'alert.raised' && e.data.residentId) waiting.get(e.data.residentId)?.(e);
  });

  // Warm-up: JIT, first-time paths.
  const pipeline: number[] = [];
  const broker: number[] = [];
  for (let i = -20; i < RUNS; i++) {
    const k = ((i % RESIDENTS) + RESIDENTS) % RESIDENTS;
    const d = devices[k]!;
    const conn = conns[k]!;
    const topic = `care/f1/devices/${d.deviceId}/events`;

    // Bare broker: a QoS 1 publish of a payload the platform ignores cheaply (wear_on) until PUBACK.
    const b0 = performance.now();
    await conn.publishAsync(topic, JSON.stringify({ ts: Date.now(), type: 'wear_on' }), { qos: 1 });
    const b1 = performance.now();

    const arrived = new Promise<AlertEnvelope>((resolve) => waiting.set(d.residentId, resolve));
    const t0 = performance.now();
    await conn.publishAsync(topic, JSON.stringify({ ts: Date.now(), type: 'sos' }), { qos: 1 });
    const e = await arrived;
    const t1 = performance.now();
    waiting.delete(d.residentId);
    if (i >= 0) {
      pipeline.push(t1 - t0);
      broker.push(b1 - b0);
    }
    // Resolve so the next SOS for this resident raises a new alert instead of counting an occurrence.
    await p.api('POST', `/api/alerts/${e.data.id}/resolve`, carer, { outcome: 'handled' });
  }
  const ps = stats(pipeline);
  const bs = stats(broker);
  console.log(`runs: ${RUNS}`);
  console.log(`SOS → caregiver socket (alert.raised): ${fmt(ps)}`);
  console.log(`bare broker QoS 1 round trip:          ${fmt(bs)}`);
  console.log(`ratio pipeline / bare broker (median): ${(ps.median / bs.median).toFixed(1)}×`);
} finally {
  await p.stop();
}
