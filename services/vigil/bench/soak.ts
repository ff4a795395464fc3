#!/usr/bin/env tsx
/**
 * `pnpm soak`: is memory flat under sustained load? (issue 12 "bounded state"). The platform as
 * shipped (one process, embedded broker, memory stores) under a fleet of wearables in separate
 * processes (the `pnpm bench` fleet) for a long steady phase, sampling the product process's RSS
 * (/proc) and V8 heap (its `/metrics`) every interval. Prints start/end/max and the slope (over the
 * whole run and over its second half, once the bounded structures have filled) as JSON and a markdown
 * row for docs/performance.md "Soak". A benchmark, never a test: nothing here asserts a figure.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fleetProcesses } from './fleet/flags.ts';
import { Child, type ConnectResult, type RunResult } from './fleet/ipc.ts';
import { describeMachine } from './fleet/machine.ts';
import { sampleProcess } from './fleet/proc-stats.ts';
import { FACILITY, provisionFacility } from './fleet/provision.ts';
import { restClient } from './fleet/rest.ts';
import { shareOf } from './fleet/schedule.ts';
import { startTarget } from './fleet/targets/targets.ts';
import { SOAK_TABLE_HEADER, type SoakSample, soakMarkdownRow, summarizeSeries } from './soak-stats.ts';

const USAGE = `pnpm soak [flags]: the embedded default under a steady fleet, RSS and heap sampled

  --devices N     wearables (default 5000: half the 10,000 × 1 Hz target)
  --rate HZ       samples per device per second (default 1)
  --minutes M     steady phase (default 30)
  --sample-s S    sampling interval (default 30)
  --json PATH     where the JSON report goes (default: a temp dir)`;

const FLEET = fileURLToPath(new URL('./fleet/fleet.ts', import.meta.url));
const log = (msg: string) => console.error(`[soak] ${msg}`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    devices: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '1' },
    minutes: { type: 'string', default: '30' },
    'sample-s': { type: 'string', default: '30' },
    json: { type: 'string' },
    help: { type: 'boolean' },
  },
});
const o = {
  devices: Number(values.devices),
  rateHz: Number(values.rate),
  minutes: Number(values.minutes),
  sampleS: Number(values['sample-s']),
};
const bad = Object.entries(o).filter(([, v]) => !Number.isFinite(v) || v <= 0);
if (values.help || bad.length > 0) {
  for (const [k] of bad) console.error(`--${k} must be a positive number`);
  console.error(USAGE);
  process.exit(bad.length ? 2 : 0);
}

/** V8 heap in use from the product's Prometheus text (prom-client default metrics, `vigil_` prefix). */
async function heapUsedMb(httpUrl: string): Promise<number | null> {
  try {
    const text = await (await fetch(`${httpUrl}/metrics`)).text();
    const m = /^vigil_nodejs_heap_size_used_bytes\s+(\S+)/m.exec(text);
    return m?.[1] === undefined ? null : Number(m[1]) / 2 ** 20;
  } catch {
    return null;
  }
}

const target = await startTarget('embedded', { engines: 1 });
const children: Child[] = [];
process.once('SIGINT', () => {
  log('interrupted: stopping');
  void Promise.all([...children.map((c) => c.close()), target.stop()]).finally(() => process.exit(130));
});
try {
  const pid = target.processes.vigil as number;
  const httpUrl = target.httpUrl as string;
  const rest = restClient(httpUrl);
  log(`provisioning ${o.devices} residents and wearables`);
  const provisioned = await provisionFacility(rest, o.devices, 16);
  const processes = fleetProcesses({ devices: o.devices, rateHz: o.rateHz, workers: 0 });
  const fleets = Array.from({ length: processes }, () => Child.start(FLEET));
  children.push(...fleets);
  await Promise.all(fleets.map((f) => f.started()));
  log(`connecting ${o.devices} devices from ${processes} fleet process(es)`);
  const connects = await Promise.all(
    fleets.map(async (f, w) => {
      const mine = new Set(shareOf(o.devices, processes, w));
      const answer = await f.ask({
        cmd: 'connect',
        url: target.mqttUrl,
        fleetSize: o.devices,
        devices: provisioned.devices
          .filter((c) => mine.has(c.index))
          .map(({ index, id, secret }) => ({ index, id, secret })),
        concurrency: 250,
        topicPrefix: 'care',
        facilityId: FACILITY,
      });
      return (answer as { result: ConnectResult }).result;
    }),
  );

  const seconds = Math.round(o.minutes * 60);
  const startAtEpochMs = Date.now() + 1_000;
  log(`steady phase: ${o.devices} × ${o.rateHz} Hz for ${o.minutes} min, sampling every ${o.sampleS} s`);
  const running = Promise.all(
    fleets.map(async (f) => {
      const answer = await f.ask({ cmd: 'run', startAtEpochMs, rateHz: o.rateHz, seconds, sos: [], drainSeconds: 30 });
      return (answer as { result: RunResult }).result;
    }),
  );
  let done = false;
  void running.finally(() => {
    done = true;
  });
  await sleep(startAtEpochMs - Date.now());
  const samples: SoakSample[] = [];
  const t0 = performance.now();
  const sample = async () => {
    const [proc, heap] = await Promise.all([sampleProcess(pid), heapUsedMb(httpUrl)]);
    const s = { tS: Math.round((performance.now() - t0) / 1000), rssMb: proc.rssMb, heapUsedMb: heap };
    samples.push(s);
    log(`t=${s.tS}s rss=${s.rssMb.toFixed(1)} MB heap=${heap?.toFixed(1) ?? 'n/a'} MB`);
  };
  await sample();
  while (!done) {
    const next = t0 + samples.length * o.sampleS * 1000;
    while (!done && performance.now() < next) await sleep(Math.min(1000, next - performance.now()));
    if (!done) await sample();
  }
  await sample();
  const runs = await running;
  const published = runs.reduce((n, r) => n + r.published, 0);
  const acked = runs.reduce((n, r) => n + r.acked, 0);
  const rss = summarizeSeries(samples, (s) => s.rssMb);
  const heap = summarizeSeries(samples, (s) => s.heapUsedMb);
  const report = {
    command: ['pnpm soak', ...process.argv.slice(2)].join(' '),
    startedAt: new Date(startAtEpochMs).toISOString(),
    machine: describeMachine(),
    options: o,
    connectSeconds: Math.max(...connects.map((c) => c.seconds)),
    published,
    acked,
    rss,
    heap,
    samples,
  };
  const jsonPath = values.json ?? join(mkdtempSync(join(tmpdir(), 'vigil-soak-')), 'soak.json');
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify({ rss, heap, published, acked }));
  console.log(SOAK_TABLE_HEADER);
  console.log(
    soakMarkdownRow({ devices: o.devices, rateHz: o.rateHz, minutes: o.minutes, rss, heap, published, acked }),
  );
  console.log(`JSON report: ${jsonPath}`);
} finally {
  await Promise.all(children.map((c) => c.close()));
  await target.stop();
}
