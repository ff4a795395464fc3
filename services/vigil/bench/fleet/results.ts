import type { ConnectResult, RunResult, SosArrival, SosSent } from './ipc.ts';
import type { SetSample } from './proc-stats.ts';
import { LatencyHistogram, type Summary, summarize } from './stats.ts';

/**
 * What one target's run comes to, from the raw readings of its phases. Pure, so the arithmetic
 * behind every reported figure is unit-tested.
 */

export interface TargetResult {
  target: string;
  label: string;
  devices: number;
  rateHz: number;
  seconds: number;
  provisionSeconds: number | null;
  connect: { seconds: number; connected: number; refused: number; connackP50Ms: number; connackP99Ms: number };
  offeredPerSecond: number;
  published: number;
  acked: number;
  /** Counted by the platform's ingest (per-device counters); the PUBACKs for the bare broker. */
  accepted: number;
  acceptedPerSecond: number;
  /** Published minus accepted, after the drain wait. */
  lost: number;
  duplicates: number | null;
  rejected: number | null;
  /** PUBACKs owed when the steady phase ended, and still owed after the drain wait. */
  owedAtEnd: number;
  unackedAfterDrain: number;
  /** From the start to the last PUBACK and the last message counted (or the end of the drain wait). */
  activeSeconds: number;
  /** From the start to the last PUBACK alone. */
  pubackSeconds: number;
  keptUp: boolean;
  /** Counter polls until every message was counted (null for the bare broker). */
  counterPolls: number | null;
  /** False when the wait for the counts gave up: activeSeconds and accepted/s are then not measured. */
  countedInTime: boolean | null;
  disconnects: number;
  pubackMs: Summary;
  /** SOS press → `alert.raised` on a board socket, over every socket; null without boards. */
  sosToBoardMs: Summary | null;
  sosMissed: number;
  sosPubackMs: Summary;
  cpu: {
    /** CPU ms of each target process during the steady phase and drain. */
    processMs: Record<string, number>;
    usPerMessage: number;
    /** Of the engine processes only (the redis target also counts Redis, Mosquitto, the gateway). */
    engineUsPerMessage: number | null;
    ratioToBare: number | null;
    /** % of a core the target used connected and quiet (keepalives, timers, sweeps), before the steady phase. */
    idlePercent: number;
    /** How busy each target process's main thread was over the window, in % (100: saturated). */
    mainThreadPercent: Record<string, number>;
  };
  rssMb: { idle: number; connected: number; end: number; peak: number; perProcessEnd: Record<string, number> };
  driver: {
    fleetProcesses: number;
    /** Share of one core, summed over the fleet processes, during the steady phase. */
    cpuPercent: number;
    usPerMessage: number;
    rssMb: number;
    scheduleLagP99Ms: number;
    scheduleLagMaxMs: number;
    boardCpuPercent: number | null;
  };
  board: { sockets: number; vitalsEvents: number; otherEvents: number; disconnects: number } | null;
  /**
   * The machine during the steady phase, in % of one core: all of it busy, and what neither the target,
   * the fleet, the boards nor the orchestrator used (other work on a shared machine: the noise).
   */
  machine: { busyPercent: number; otherPercent: number };
  warnings: Record<string, string[]>;
  ackedPerSecond: number[];
}

export interface RawRun {
  target: string;
  label: string;
  devices: number;
  rateHz: number;
  seconds: number;
  provisionSeconds: number | null;
  connectSeconds: number;
  connects: ConnectResult[];
  runs: RunResult[];
  /** Ingest counters summed over the fleet; absent for the bare broker. */
  counters: { accepted: number; duplicates: number; rejected: number } | null;
  /** From the start to the poll that found the probe devices' messages all counted (or the last one); null for bare. */
  processedSeconds: number | null;
  /** Counter polls it took (1: everything was counted by the time the PUBACKs were in). */
  counterPolls: number | null;
  /** False when the probes were still not all counted when the wait gave up (stalled or timed out). */
  countedInTime: boolean | null;
  targetIdle: SetSample;
  /** When the fleet had connected, and ms from then to the steady phase (connected, quiet). */
  targetSettling: SetSample;
  idleMs: number;
  targetBefore: SetSample;
  targetAfter: SetSample;
  engines: string[];
  driverBefore: SetSample;
  driverAfter: SetSample;
  /** Names in the driver samples that are the board process, not fleet processes. */
  boardProcess: string | null;
  board: {
    sockets: number;
    arrivals: SosArrival[];
    vitalsEvents: number;
    otherEvents: number;
    disconnects: number;
  } | null;
  /** Warnings and errors the target's processes logged (the tail of each). */
  warnings: Record<string, string[]>;
  windowMs: number;
  /** Busy CPU ms of the whole machine, and of this orchestrator, over the same window. */
  machineBusyMs: number;
  harnessMs: number;
}

const sum = (xs: Iterable<number>) => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};

export const cpuMsBetween = (before: SetSample, after: SetSample, names?: readonly string[]) =>
  Object.fromEntries(
    (names ?? Object.keys(after)).map((n) => [n, (after[n]?.cpuMs ?? 0) - (before[n]?.cpuMs ?? after[n]?.cpuMs ?? 0)]),
  );

/** SOS press → board latencies: each socket's first `alert.raised` for the pressing device. */
export function sosLatencies(sent: readonly SosSent[], arrivals: readonly SosArrival[], sockets: number) {
  const pressedAt = new Map(sent.map((s) => [s.deviceId, s.sentAtMono]));
  const seen = new Set<string>();
  const latencies: number[] = [];
  for (const a of arrivals) {
    const at = pressedAt.get(a.deviceId);
    const key = `${a.deviceId} ${a.socket}`;
    if (at === undefined || seen.has(key)) continue;
    seen.add(key);
    latencies.push(a.atMono - at);
  }
  return { latencies, missed: sent.length * sockets - latencies.length };
}

/**
 * Kept up: nothing lost or owed after the drain; when the last sample went out no more than one second
 * of offered messages still waited for a PUBACK (a target falling behind owes a backlog that grows
 * with T); and the ingest had counted everything within 2 s of the end (a log-first pipeline can
 * acknowledge faster than it applies, and fall behind behind its PUBACKs).
 */
export function keptUp(r: {
  unackedAfterDrain: number;
  owedAtEnd: number;
  offeredPerSecond: number;
  lost: number;
  seconds: number;
  processedSeconds: number | null;
}) {
  return (
    r.unackedAfterDrain === 0 &&
    r.lost === 0 &&
    r.owedAtEnd <= Math.max(1, r.offeredPerSecond) &&
    (r.processedSeconds === null || r.processedSeconds <= r.seconds + 2)
  );
}

export function computeResult(raw: RawRun, bareUsPerMessage: number | null): TargetResult {
  const published = sum(raw.runs.map((r) => r.published));
  const acked = sum(raw.runs.map((r) => r.acked));
  const unacked = sum(raw.runs.map((r) => r.unacked));
  const owedAtEnd = sum(raw.runs.map((r) => r.owedAtEnd));
  const accepted = raw.counters ? raw.counters.accepted : acked;
  // Counted by the first poll after the PUBACKs: done by then, timed by the last PUBACK. Counted
  // later: timed by the poll that found it done (at most a poll, about half a second, late).
  const pubackSeconds = Math.max(0, ...raw.runs.map((r) => r.activeSeconds));
  const activeSeconds =
    raw.counterPolls !== null && raw.counterPolls > 1
      ? Math.max(pubackSeconds, raw.processedSeconds ?? 0)
      : pubackSeconds;
  const offeredPerSecond = raw.devices * raw.rateHz;
  const lost = Math.max(0, published - accepted);

  const puback = new LatencyHistogram();
  const lag = new LatencyHistogram();
  for (const r of raw.runs) {
    puback.merge(r.puback);
    lag.merge(r.lag);
  }
  const sent = raw.runs.flatMap((r) => r.sos);
  const sos = raw.board ? sosLatencies(sent, raw.board.arrivals, raw.board.sockets) : null;

  const processMs = cpuMsBetween(raw.targetBefore, raw.targetAfter);
  const usPerMessage = accepted > 0 ? (sum(Object.values(processMs)) * 1000) / accepted : Number.NaN;
  const engineMs = sum(raw.engines.map((e) => processMs[e] ?? 0));

  const driverMs = cpuMsBetween(raw.driverBefore, raw.driverAfter);
  const fleetNames = Object.keys(driverMs).filter((n) => n !== raw.boardProcess);
  const fleetMs = sum(fleetNames.map((n) => driverMs[n] ?? 0));
  const idleMs = cpuMsBetween(raw.targetSettling, raw.targetBefore);
  const percent = (ms: number, of: number) => (of > 0 ? (ms * 100) / of : 0);
  const accounted = sum(Object.values(processMs)) + sum(Object.values(driverMs)) + raw.harnessMs;
  const rss = (s: SetSample) => sum(Object.values(s).map((p) => p.rssMb));
  const ackedPerSecond: number[] = [];
  for (const r of raw.runs)
    for (const [i, n] of r.ackedPerSecond.entries()) ackedPerSecond[i] = (ackedPerSecond[i] ?? 0) + n;

  return {
    target: raw.target,
    label: raw.label,
    devices: raw.devices,
    rateHz: raw.rateHz,
    seconds: raw.seconds,
    provisionSeconds: raw.provisionSeconds,
    connect: {
      seconds: raw.connectSeconds,
      connected: sum(raw.connects.map((c) => c.connected)),
      refused: sum(raw.connects.map((c) => c.refused)),
      // Per-process percentiles: the worst process's stands for the fleet.
      connackP50Ms: Math.max(...raw.connects.map((c) => c.connackMs.p50)),
      connackP99Ms: Math.max(...raw.connects.map((c) => c.connackMs.p99)),
    },
    offeredPerSecond,
    published,
    acked,
    accepted,
    acceptedPerSecond: activeSeconds > 0 ? accepted / activeSeconds : 0,
    lost,
    duplicates: raw.counters ? raw.counters.duplicates : null,
    rejected: raw.counters ? raw.counters.rejected : null,
    owedAtEnd,
    unackedAfterDrain: unacked,
    activeSeconds,
    keptUp: keptUp({
      unackedAfterDrain: unacked,
      owedAtEnd,
      offeredPerSecond,
      lost,
      seconds: raw.seconds,
      processedSeconds: raw.processedSeconds,
    }),
    pubackSeconds: Math.max(0, ...raw.runs.map((r) => r.activeSeconds)),
    counterPolls: raw.counterPolls,
    countedInTime: raw.countedInTime,
    disconnects: sum(raw.runs.map((r) => r.disconnects)),
    pubackMs: puback.summary(),
    sosToBoardMs: sos ? summarize(sos.latencies) : null,
    sosMissed: sos ? sos.missed : 0,
    sosPubackMs: summarize(sent.map((s) => s.pubackMs).filter((ms) => Number.isFinite(ms))),
    cpu: {
      processMs,
      usPerMessage,
      engineUsPerMessage: raw.engines.length && accepted > 0 ? (engineMs * 1000) / accepted : null,
      ratioToBare: bareUsPerMessage ? usPerMessage / bareUsPerMessage : null,
      idlePercent: percent(sum(Object.values(idleMs)), raw.idleMs),
      mainThreadPercent: Object.fromEntries(
        Object.entries(raw.targetAfter).map(([n, a]) => [
          n,
          percent(a.mainThreadCpuMs - (raw.targetBefore[n]?.mainThreadCpuMs ?? a.mainThreadCpuMs), raw.windowMs),
        ]),
      ),
    },
    rssMb: {
      idle: rss(raw.targetIdle),
      connected: rss(raw.targetBefore),
      end: rss(raw.targetAfter),
      peak: sum(Object.values(raw.targetAfter).map((p) => p.peakRssMb)),
      perProcessEnd: Object.fromEntries(Object.entries(raw.targetAfter).map(([n, p]) => [n, p.rssMb])),
    },
    driver: {
      fleetProcesses: fleetNames.length,
      cpuPercent: percent(fleetMs, raw.windowMs),
      usPerMessage: published > 0 ? (fleetMs * 1000) / published : Number.NaN,
      rssMb: sum(fleetNames.map((n) => raw.driverAfter[n]?.rssMb ?? 0)),
      scheduleLagP99Ms: lag.percentile(0.99),
      scheduleLagMaxMs: lag.count ? lag.max : Number.NaN,
      boardCpuPercent: raw.boardProcess ? percent(driverMs[raw.boardProcess] ?? 0, raw.windowMs) : null,
    },
    board: raw.board
      ? {
          sockets: raw.board.sockets,
          vitalsEvents: raw.board.vitalsEvents,
          otherEvents: raw.board.otherEvents,
          disconnects: raw.board.disconnects,
        }
      : null,
    machine: {
      busyPercent: percent(raw.machineBusyMs, raw.windowMs),
      otherPercent: Math.max(0, percent(raw.machineBusyMs - accounted, raw.windowMs)),
    },
    warnings: raw.warnings,
    ackedPerSecond: Array.from(ackedPerSecond, (n) => n ?? 0),
  };
}
