import { describe, expect, it } from 'vitest';
import type { RunResult } from './ipc.ts';
import type { ProcSample, SetSample } from './proc-stats.ts';
import { computeResult, keptUp, type RawRun, sosLatencies } from './results.ts';
import { LatencyHistogram } from './stats.ts';

const proc = (cpuMs: number, rssMb = 100): ProcSample => ({
  pid: 1,
  cpuMs,
  mainThreadCpuMs: cpuMs * 0.8,
  rssMb,
  peakRssMb: rssMb + 10,
});
const set = (entries: Record<string, [number, number?]>): SetSample =>
  Object.fromEntries(Object.entries(entries).map(([n, [cpu, rss]]) => [n, proc(cpu, rss)]));

function run(over: Partial<RunResult> = {}): RunResult {
  const puback = new LatencyHistogram();
  for (let i = 1; i <= 100; i++) puback.record(i);
  return {
    published: 1000,
    acked: 1000,
    failed: 0,
    unacked: 0,
    owedAtEnd: 10,
    activeSeconds: 10,
    ackedPerSecond: [100, 100],
    puback: puback.toJSON(),
    lag: new LatencyHistogram().toJSON(),
    sos: [],
    disconnects: 0,
    ...over,
  };
}

/** Two fleet processes, 200 devices × 1 Hz × 10 s: 2,000 messages. */
function raw(over: Partial<RawRun> = {}): RawRun {
  return {
    target: 'redis',
    label: 'Redis',
    devices: 200,
    rateHz: 1,
    seconds: 10,
    provisionSeconds: 4,
    connectSeconds: 1.5,
    connects: [
      { connected: 100, refused: 0, seconds: 1, connackMs: { p50: 5, p99: 20, max: 30 } },
      { connected: 100, refused: 0, seconds: 1.4, connackMs: { p50: 6, p99: 25, max: 40 } },
    ],
    runs: [run(), run({ activeSeconds: 10.5 })],
    counters: { accepted: 2000, duplicates: 3, rejected: 0 },
    processedSeconds: 10.2,
    counterPolls: 1,
    countedInTime: true,
    targetIdle: set({ 'engine-1': [0, 90], 'redis-server': [0, 10] }),
    targetSettling: set({ 'engine-1': [1000], 'redis-server': [100] }),
    idleMs: 2000,
    targetBefore: set({ 'engine-1': [1100, 120], 'redis-server': [120, 20] }),
    targetAfter: set({ 'engine-1': [3100, 150], 'redis-server': [620, 30] }),
    engines: ['engine-1'],
    driverBefore: set({ 'fleet-1': [0], 'fleet-2': [0], board: [0] }),
    driverAfter: set({ 'fleet-1': [500], 'fleet-2': [500], board: [110] }),
    boardProcess: 'board',
    board: null,
    warnings: {},
    windowMs: 11_000,
    machineBusyMs: 16_500,
    harnessMs: 90,
    ...over,
  };
}

describe('computeResult', () => {
  it('divides the target’s CPU by the messages it accepted, and compares it with the bare broker', () => {
    const r = computeResult(raw(), 500);
    // (2000 + 500) ms over 2,000 messages.
    expect(r.cpu.usPerMessage).toBe(1250);
    expect(r.cpu.engineUsPerMessage).toBe(1000);
    expect(r.cpu.ratioToBare).toBe(2.5);
    expect(r.cpu.processMs).toEqual({ 'engine-1': 2000, 'redis-server': 500 });
    // (100 + 20) ms over the 2 s it sat connected and quiet.
    expect(r.cpu.idlePercent).toBe(6);
    // 80 % of engine-1's 2,000 ms on its main thread, over an 11 s window.
    expect(r.cpu.mainThreadPercent['engine-1']).toBeCloseTo((1600 / 11_000) * 100);
  });

  it('counts accepted from the ingest counters and lost against what was published', () => {
    const r = computeResult(raw({ counters: { accepted: 1990, duplicates: 3, rejected: 2 } }), null);
    expect(r.published).toBe(2000);
    expect(r.accepted).toBe(1990);
    expect(r.lost).toBe(10);
    expect(r.duplicates).toBe(3);
    expect(r.rejected).toBe(2);
    expect(r.keptUp).toBe(false);
    expect(r.acceptedPerSecond).toBeCloseTo(1990 / 10.5);
    // Counted only at 20 s: the rate is the rate of processing, not of PUBACKs.
    const late = computeResult(raw({ processedSeconds: 20, counterPolls: 3 }), null);
    expect(late.acceptedPerSecond).toBe(100);
    expect(late.pubackSeconds).toBe(10.5);
    expect(late.keptUp).toBe(false);
    expect(r.cpu.ratioToBare).toBeNull();
  });

  it('takes the PUBACKs as accepted for the bare broker, which has no counters', () => {
    const r = computeResult(
      raw({
        counters: null,
        processedSeconds: null,
        counterPolls: null,
        runs: [run({ acked: 990, unacked: 10 }), run()],
      }),
      null,
    );
    expect(r.accepted).toBe(1990);
    expect(r.lost).toBe(10);
    expect(r.duplicates).toBeNull();
  });

  it('sums the fleet processes apart from the board and sees other work on the machine', () => {
    const r = computeResult(raw(), null);
    expect(r.driver.fleetProcesses).toBe(2);
    expect(r.driver.cpuPercent).toBeCloseTo((1000 / 11_000) * 100);
    expect(r.driver.usPerMessage).toBe(500);
    expect(r.driver.boardCpuPercent).toBeCloseTo(1);
    expect(r.machine.busyPercent).toBe(150);
    // 16,500 − 2,500 target − 1,110 driver − 90 harness = 12,800 ms of others.
    expect(r.machine.otherPercent).toBeCloseTo((12_800 / 11_000) * 100);
    expect(r.connect).toEqual({ seconds: 1.5, connected: 200, refused: 0, connackP50Ms: 6, connackP99Ms: 25 });
    expect(r.pubackMs.p50).toBeGreaterThanOrEqual(50);
    expect(r.pubackMs.p50).toBeLessThanOrEqual(50.5);
    expect(r.ackedPerSecond).toEqual([200, 200]);
    expect(r.rssMb).toMatchObject({ idle: 100, connected: 140, end: 180, peak: 200 });
  });
});

describe('keptUp', () => {
  it('allows a second of offered messages in flight at the end, nothing owed after the drain', () => {
    const ok = {
      unackedAfterDrain: 0,
      owedAtEnd: 2000,
      offeredPerSecond: 2000,
      lost: 0,
      seconds: 30,
      processedSeconds: 31,
    };
    expect(keptUp(ok)).toBe(true);
    expect(keptUp({ ...ok, processedSeconds: null })).toBe(true);
    expect(keptUp({ ...ok, owedAtEnd: 2001 })).toBe(false);
    expect(keptUp({ ...ok, unackedAfterDrain: 1 })).toBe(false);
    expect(keptUp({ ...ok, lost: 1 })).toBe(false);
    // Acknowledged in time but applied later: behind all the same.
    expect(keptUp({ ...ok, processedSeconds: 33 })).toBe(false);
  });
});

describe('sosLatencies', () => {
  it('times each socket’s first raise of each press and counts the ones never seen', () => {
    const sent = [
      { deviceId: 'w1', sentAtMono: 1000, pubackMs: 1 },
      { deviceId: 'w2', sentAtMono: 2000, pubackMs: 1 },
    ];
    const arrivals = [
      { deviceId: 'w1', socket: 0, atMono: 1005 },
      { deviceId: 'w1', socket: 1, atMono: 1007 },
      { deviceId: 'w1', socket: 0, atMono: 1500 },
      { deviceId: 'w2', socket: 0, atMono: 2030 },
      { deviceId: 'w9', socket: 0, atMono: 2040 },
    ];
    expect(sosLatencies(sent, arrivals, 2)).toEqual({ latencies: [5, 7, 30], missed: 1 });
  });
});
