import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './flags.ts';
import { fleetProcesses } from './flags.ts';
import { type BoardReport, Child, type ConnectResult, type DeviceCredentials, type RunResult } from './ipc.ts';
import { machineBusyMs, type ProcessSet, sampleSet } from './proc-stats.ts';
import { awaitCounted, type Counted, probesOf, readCountersSettled } from './counters.ts';
import { FACILITY, provisionFacility } from './provision.ts';
import { restClient } from './rest.ts';
import type { RawRun } from './results.ts';
import { samplesOf, shareOf, sosPlan } from './schedule.ts';
import type { Target } from './targets/targets.ts';

const FLEET = fileURLToPath(new URL('./fleet.ts', import.meta.url));
const BOARD = fileURLToPath(new URL('./board.ts', import.meta.url));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (msg: string) => console.error(`[bench] ${msg}`);

/** After connecting: device.online events reach the boards, connect-time garbage is collected. */
const SETTLE_MS = 3_000;
/** How long SOS alerts may still arrive on the boards after the drain. */
const SOS_GRACE_MS = 10_000;

/**
 * One target through its phases: provision (REST, timed apart) → boards connect → the fleet connects
 * (timed) → steady phase (CPU sampled at its start and after the drain) → ingest counters → SOS
 * arrivals. Every child process is closed before returning, whatever happened.
 */
export async function measureTarget(target: Target, o: BenchOptions): Promise<RawRun> {
  const children: Child[] = [];
  try {
    const targetIdle = await sampleSet(target.processes);
    const rest = target.httpUrl ? restClient(target.httpUrl) : undefined;

    let provisionSeconds: number | null = null;
    let admin = '';
    let caregiver = '';
    let creds: (DeviceCredentials & { residentId?: string })[];
    if (rest) {
      log(`${target.name}: provisioning ${o.devices} residents and wearables over REST`);
      const p = await provisionFacility(rest, o.devices, o.restConcurrency);
      ({ admin, caregiver } = p);
      provisionSeconds = p.seconds;
      creds = p.devices;
      log(`${target.name}: provisioned in ${p.seconds.toFixed(1)} s`);
    } else {
      creds = Array.from({ length: o.devices }, (_, index) => ({ index, id: `bench-${index}` }));
    }

    let board: Child | undefined;
    if (target.httpUrl && o.sockets > 0) {
      board = Child.start(BOARD);
      children.push(board);
      const watch = creds.slice(0, o.watch).map((c) => c.residentId as string);
      await board.ask({ cmd: 'open-boards', baseUrl: target.httpUrl, token: caregiver, sockets: o.sockets, watch });
    }

    const processes = fleetProcesses(o);
    const fleets = Array.from({ length: processes }, () => Child.start(FLEET));
    children.push(...fleets);
    await Promise.all(fleets.map((f) => f.started()));
    log(`${target.name}: connecting ${o.devices} devices from ${processes} fleet process(es)`);
    const connectStart = performance.now();
    const connects = await Promise.all(
      fleets.map(async (f, w) => {
        const mine = new Set(shareOf(o.devices, processes, w));
        const answer = await f.ask({
          cmd: 'connect',
          url: target.mqttUrl,
          fleetSize: o.devices,
          devices: creds
            .filter((c) => mine.has(c.index))
            .map(({ index, id, secret }) => ({ index, id, ...(secret && { secret }) })),
          concurrency: o.connectConcurrency,
          topicPrefix: 'care',
          facilityId: FACILITY,
        });
        return (answer as { result: ConnectResult }).result;
      }),
    );
    const connectSeconds = (performance.now() - connectStart) / 1000;
    log(`${target.name}: connected in ${connectSeconds.toFixed(1)} s; steady phase ${o.seconds} s`);
    const targetSettling = await sampleSet(target.processes);
    const settleStart = performance.now();
    await sleep(SETTLE_MS);

    const drivers: ProcessSet = Object.fromEntries(fleets.map((f, w) => [`fleet-${w + 1}`, f.pid]));
    if (board) drivers.board = board.pid;
    const plan = sosPlan(o.devices, o.sos, o.seconds);
    const startAtEpochMs = Date.now() + 1_000;
    const running = fleets.map(async (f, w) => {
      const answer = await f.ask({
        cmd: 'run',
        startAtEpochMs,
        rateHz: o.rateHz,
        seconds: o.seconds,
        sos: plan.filter((s) => s.index % processes === w),
        drainSeconds: o.drainSeconds,
      });
      return (answer as { result: RunResult }).result;
    });
    await sleep(startAtEpochMs - Date.now());
    const windowStart = performance.now();
    const idleMs = windowStart - settleStart;
    const harnessBefore = process.cpuUsage();
    const [targetBefore, driverBefore, busyBefore] = await Promise.all([
      sampleSet(target.processes),
      sampleSet(drivers),
      machineBusyMs(),
    ]);
    const runs = await Promise.all(running);
    // The steady window ends when the target has processed everything: at the last PUBACK for the
    // bare broker; for the platform when its ingest has counted every message of fifty probe
    // devices spread over the fleet (reading all counters would cost the target more than it measures).
    let counted: Counted | undefined;
    if (rest) {
      const sosBy = new Set(plan.map((p) => p.index));
      const expected = (i: number) => samplesOf(i, o.devices, o.rateHz, o.seconds) + (sosBy.has(i) ? 1 : 0);
      // A target applying at a third of the offered rate needs 3·T: wait up to 10·T unless it stalls.
      counted = await awaitCounted(rest, admin, probesOf(creds, expected, 50), {
        timeoutMs: Math.max(60_000, o.seconds * 10_000),
        stallMs: 15_000,
      });
    }
    const [targetAfter, driverAfter, busyAfter] = await Promise.all([
      sampleSet(target.processes),
      sampleSet(drivers),
      machineBusyMs(),
    ]);
    const windowMs = performance.now() - windowStart;
    const harness = process.cpuUsage(harnessBefore);
    log(
      `${target.name}: steady phase and drain done in ${(windowMs / 1000).toFixed(1)} s` +
        (counted ? `; probes ${counted.complete ? '' : 'NOT '}all counted after ${counted.polls} poll(s)` : ''),
    );

    const published = runs.reduce((n, r) => n + r.published, 0);
    const ids = creds.map((c) => c.id);
    const counters = rest ? await readCountersSettled(rest, admin, ids, published, o.restConcurrency) : null;
    let boardReport: BoardReport | undefined;
    if (board) {
      const expected = runs.reduce((n, r) => n + r.sos.length, 0) * o.sockets;
      const until = performance.now() + SOS_GRACE_MS;
      for (;;) {
        boardReport = ((await board.ask({ cmd: 'report' })) as { report: BoardReport }).report;
        if (boardReport.arrivals.length >= expected || performance.now() > until) break;
        await sleep(250);
      }
    }
    return {
      target: target.name,
      label: target.label,
      devices: o.devices,
      rateHz: o.rateHz,
      seconds: o.seconds,
      provisionSeconds,
      connectSeconds,
      connects,
      runs,
      counters,
      processedSeconds: counted ? (counted.at - windowStart) / 1000 : null,
      counterPolls: counted?.polls ?? null,
      countedInTime: counted?.complete ?? null,
      targetIdle,
      targetSettling,
      idleMs,
      targetBefore,
      targetAfter,
      engines: target.engines,
      driverBefore,
      driverAfter,
      boardProcess: board ? 'board' : null,
      board: boardReport ? { sockets: o.sockets, ...boardReport } : null,
      warnings: target.warnings(),
      windowMs,
      machineBusyMs: busyAfter - busyBefore,
      harnessMs: (harness.user + harness.system) / 1000,
    };
  } finally {
    await Promise.all(children.map((c) => c.close()));
  }
}
