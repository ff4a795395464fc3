#!/usr/bin/env tsx
/**
 * `pnpm bench:auth-flood`: does a legitimate login, and a legitimate device CONNECT, stay under 1 s
 * while strangers flood the unauthenticated paths? (issue 13 "cheap where unauthenticated": a flood
 * took one login from 25 ms to 11.8 s.) The platform runs as shipped (main.ts, embedded broker, memory
 * stores) in its own process, provisioned over REST; each flood runs in another process
 * (`--flood`), from several loopback source addresses; this process measures, one attempt at a time
 * and again every 100 ms for as long as the flood lasts:
 *
 * - a caregiver who signed in from the flooding NAT before (127.0.0.2 floods too), and a first sign-in
 *   from an address never seen (a new one each time: the untrusted lane);
 * - the same for a wearable: one that connected from the flooding NAT before, and one connecting from
 *   a new address each time.
 *
 * Floods: BENCH_BAD_LOGINS (default 1,000) bad logins from 4 addresses, then from 50 (a spread-out
 * flood: every address within its free failures, so the argon2id gate is what holds); BENCH_BAD_CONNECTS
 * (default 3,000) bad CONNECTs from 4 addresses. Prints a markdown table for docs/performance.md.
 * Asserts nothing.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  connectFrom,
  type FloodOrder,
  type FloodResult,
  flood,
  loginFrom,
  type Outcome,
} from './auth-flood-clients.ts';
import { describeMachine } from './fleet/machine.ts';
import { CAREGIVER, provisionFacility } from './fleet/provision.ts';
import { restClient } from './fleet/rest.ts';
import { summarize } from './fleet/stats.ts';
import { ADMIN, startTarget } from './fleet/targets/targets.ts';

const BAD_LOGINS = Number(process.env.BENCH_BAD_LOGINS ?? 1000);
const BAD_CONNECTS = Number(process.env.BENCH_BAD_CONNECTS ?? 3000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 50);
/** Samples per probe at least, however short the flood. */
const MIN_SAMPLES = 10;
const PROBE_EVERY_MS = 100;
/** The usual NAT of the measured caregiver and wearable; the floods come from it too. */
const HOME = '127.0.0.2';
const range = (prefix: string, from: number, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${from + i}`);

const log = (msg: string) => console.error(`[auth-flood] ${msg}`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs one flood in a fresh child process (this file with `--flood`). */
function runFlood(order: FloodOrder): { done: Promise<FloodResult>; finished: () => boolean } {
  let over = false;
  const child = fork(fileURLToPath(import.meta.url), ['--flood'], { stdio: 'inherit' });
  const done = new Promise<FloodResult>((resolve, reject) => {
    child.once('message', (m) => resolve(m as FloodResult));
    child.once('exit', (code) => reject(new Error(`flood process exited with ${code} before reporting`)));
  }).finally(() => {
    over = true;
  });
  child.send(order);
  return { done, finished: () => over };
}

/** `attempt` every 100 ms until `finished()`, at least MIN_SAMPLES times. */
async function probe(attempt: (i: number) => Promise<Outcome>, finished: () => boolean): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (let i = 0; out.length < MIN_SAMPLES || !finished(); i++) {
    out.push(await attempt(i));
    await sleep(PROBE_EVERY_MS);
  }
  return out;
}

interface Row {
  phase: string;
  flood: string;
  who: string;
  ok: number;
  outcomes: Outcome[];
}

function tableRow(r: Row): string {
  const s = summarize(r.outcomes.map((o) => o.ms));
  const others = r.outcomes.filter((o) => o.code !== r.ok).map((o) => o.code);
  const refused = others.length ? ` (${others.length} refused: ${[...new Set(others)].join(', ')})` : '';
  return `| ${r.phase} | ${r.flood} | ${r.who} | ${r.outcomes.length - others.length}/${r.outcomes.length}${refused} | ${s.p50.toFixed(0)} | ${s.max.toFixed(0)} |`;
}

const describeFlood = (r: FloodResult, what: string) =>
  `${what} in ${r.seconds.toFixed(1)} s: ${Object.entries(r.codes)
    .map(([code, n]) => `${n}× ${code}`)
    .join(', ')}`;

async function main(): Promise<void> {
  const machine = describeMachine();
  const target = await startTarget('embedded', { engines: 1 });
  const rows: Row[] = [];
  try {
    const httpUrl = target.httpUrl as string;
    const mqttPort = Number(new URL(target.mqttUrl).port);
    const { devices } = await provisionFacility(restClient(httpUrl), 2, 2);
    const [known, fresh] = devices;
    if (!known || !fresh) throw new Error('provisioning returned no devices');
    const carer = (from: string) => loginFrom(httpUrl, from, CAREGIVER.username, CAREGIVER.password);
    // A first sign-in from an address never seen: a new source every time.
    const newcomer = (i: number) => loginFrom(httpUrl, `127.0.3.${(i % 250) + 1}`, ADMIN.username, ADMIN.password);
    const wearable = (from: string) => connectFrom(mqttPort, from, known.id, known.secret);
    const newDevice = (i: number) => connectFrom(mqttPort, `127.0.4.${(i % 250) + 1}`, fresh.id, fresh.secret);
    // Their usual place: signed in / connected from HOME before.
    await carer(HOME);
    await wearable(HOME);
    const always = () => true;

    log('quiet baseline');
    rows.push({
      phase: 'quiet',
      flood: '—',
      who: 'caregiver, usual NAT',
      ok: 200,
      outcomes: await probe(() => carer(HOME), always),
    });
    rows.push({
      phase: 'quiet',
      flood: '—',
      who: 'wearable, usual NAT',
      ok: 0,
      outcomes: await probe(() => wearable(HOME), always),
    });

    const loginFloods = [
      { label: '4 addresses', addresses: [HOME, ...range('127.0.0.', 10, 3)] },
      { label: '50 addresses', addresses: range('127.0.1.', 1, 50) },
    ];
    for (const f of loginFloods) {
      log(`${BAD_LOGINS} bad logins from ${f.label}`);
      const order: FloodOrder = {
        kind: 'login',
        httpUrl,
        mqttPort,
        count: BAD_LOGINS,
        inFlight: IN_FLIGHT,
        addresses: f.addresses,
      };
      const run = runFlood(order);
      const [usual, first] = await Promise.all([probe(() => carer(HOME), run.finished), probe(newcomer, run.finished)]);
      const result = await run.done;
      const flood = describeFlood(result, `${BAD_LOGINS} bad logins, ${f.label}`);
      rows.push({ phase: 'login flood', flood, who: 'caregiver, usual NAT (floods too)', ok: 200, outcomes: usual });
      rows.push({ phase: 'login flood', flood, who: 'first sign-in from a new address', ok: 200, outcomes: first });
    }

    log(`${BAD_CONNECTS} bad CONNECTs from 4 addresses`);
    const addresses = [HOME, ...range('127.0.0.', 20, 3)];
    const run = runFlood({ kind: 'connect', httpUrl, mqttPort, count: BAD_CONNECTS, inFlight: IN_FLIGHT, addresses });
    const [usual, first] = await Promise.all([
      probe(() => wearable(HOME), run.finished),
      probe(newDevice, run.finished),
    ]);
    const flood = describeFlood(await run.done, `${BAD_CONNECTS} bad CONNECTs, 4 addresses`);
    rows.push({ phase: 'CONNECT flood', flood, who: 'wearable, usual NAT (floods too)', ok: 0, outcomes: usual });
    rows.push({
      phase: 'CONNECT flood',
      flood,
      who: 'wearable, first connect from a new address',
      ok: 0,
      outcomes: first,
    });
  } finally {
    await target.stop();
  }
  console.log(
    `\n${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, commit ${machine.commit}, load before ${machine.loadBefore.toFixed(2)}`,
  );
  console.log(`${IN_FLIGHT} flood attempts in flight; probes one at a time every ${PROBE_EVERY_MS} ms\n`);
  console.log('| phase | flood (answers: HTTP status / CONNACK code) | measured | succeeded | p50 ms | max ms |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(tableRow(r));
}

if (process.argv[2] === '--flood') {
  process.once('message', (order) => {
    void flood(order as FloodOrder).then((r) => process.send?.(r, () => process.exit(0)));
  });
} else {
  await main();
}
