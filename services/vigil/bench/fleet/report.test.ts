import { describe, expect, it } from 'vitest';
import { parseFlags } from './flags.ts';
import { type BenchReport, driverTable, mainTable, renderMarkdown } from './report.ts';
import type { TargetResult } from './results.ts';

const summary = (p50: number, p99: number, max: number) => ({ count: 100, p50, p99, max, mean: p50 });

function result(over: Partial<TargetResult>): TargetResult {
  return {
    target: 'embedded',
    label: 'embedded (1 process)',
    devices: 2000,
    rateHz: 2,
    seconds: 30,
    provisionSeconds: 12.3,
    connect: { seconds: 4.25, connected: 2000, refused: 0, connackP50Ms: 40, connackP99Ms: 300 },
    offeredPerSecond: 4000,
    published: 120_010,
    acked: 120_010,
    accepted: 120_010,
    acceptedPerSecond: 3999.4,
    lost: 0,
    duplicates: 0,
    rejected: 0,
    owedAtEnd: 120,
    unackedAfterDrain: 0,
    activeSeconds: 30.01,
    pubackSeconds: 30.01,
    keptUp: true,
    counterPolls: 1,
    countedInTime: true,
    disconnects: 0,
    pubackMs: summary(1.234, 56.78, 300),
    sosToBoardMs: summary(3.21, 12.5, 12.5),
    sosMissed: 0,
    sosPubackMs: summary(1, 2, 2),
    cpu: {
      processMs: { vigil: 30_000 },
      usPerMessage: 250,
      engineUsPerMessage: 250,
      ratioToBare: 4.46,
      idlePercent: 1.2,
      mainThreadPercent: { vigil: 97.4 },
    },
    rssMb: { idle: 150, connected: 300, end: 320, peak: 400, perProcessEnd: { vigil: 320 } },
    driver: {
      fleetProcesses: 1,
      cpuPercent: 45,
      usPerMessage: 110,
      rssMb: 200,
      scheduleLagP99Ms: 4,
      scheduleLagMaxMs: 30,
      boardCpuPercent: 2,
    },
    board: { sockets: 1, vitalsEvents: 0, otherEvents: 2000, disconnects: 0 },
    machine: { busyPercent: 170, otherPercent: 20 },
    warnings: {},
    ackedPerSecond: [],
    ...over,
  };
}

const bare = result({
  target: 'bare',
  label: 'bare aedes',
  provisionSeconds: null,
  duplicates: null,
  rejected: null,
  sosToBoardMs: null,
  board: null,
  driver: { ...result({}).driver, boardCpuPercent: null },
  cpu: {
    processMs: { 'bare-aedes': 6700 },
    usPerMessage: 56,
    engineUsPerMessage: null,
    ratioToBare: null,
    idlePercent: 0,
    mainThreadPercent: { 'bare-aedes': 20 },
  },
});
const behind = result({
  target: 'redis',
  label: 'Redis + Mosquitto (2 engines, 1 gateway)',
  keptUp: false,
  owedAtEnd: 25_000,
  activeSeconds: 41.5,
  lost: 12,
  sosMissed: 2,
  connect: { seconds: 3, connected: 1990, refused: 10, connackP50Ms: 4, connackP99Ms: 9 },
});

describe('report', () => {
  it('has one row per target with the figures the targets are checked against', () => {
    const lines = mainTable([bare, result({}), behind]).split('\n');
    expect(lines[0]).toBe(
      '| target | connect s | offered/s | accepted/s | lost | dup | PUBACK p50 / p99 ms | SOS → board p50 / p99 / max ms | CPU µs/msg | × bare | RSS MB idle → end | kept up |',
    );
    expect(lines[1]).toBe('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    expect(lines[2]).toBe('| bare aedes | 4.3 | 4,000 | 3,999 | 0 | – | 1.2 / 57 | – | 56 | – | 150 → 320 | yes |');
    expect(lines[3]).toBe(
      '| embedded (1 process) | 4.3 | 4,000 | 3,999 | 0 | 0 | 1.2 / 57 | 3.2 / 13 / 13 | 250 | 4.5× | 150 → 320 | yes |',
    );
    expect(lines[4]).toBe(
      '| Redis + Mosquitto (2 engines, 1 gateway) | 3.0 (10 refused) | 4,000 | 3,999 | 12 | 0 | 1.2 / 57 | 3.2 / 13 / 13 (2 missed) | 250 | 4.5× | 150 → 320 | no (25,000 PUBACKs owed at T, last PUBACK at 30 s, done at 42 s of 30) |',
    );
  });

  it('shows what the driver used beside it', () => {
    expect(driverTable([bare]).split('\n')[2]).toBe(
      '| bare aedes | 1 | 45 | 110 | 200 | 4.0 / 30 | – | 0 | 170 / 20 |',
    );
  });

  it('starts with the machine and the exact command, and names failed targets', () => {
    const parsed = parseFlags([]);
    if (!parsed.ok) throw new Error('defaults must parse');
    const report: BenchReport = {
      command: 'pnpm bench',
      startedAt: '2026-01-01T00:00:00.000Z',
      machine: {
        cpuModel: 'AMD EPYC',
        cores: 2,
        memoryGb: 24,
        kernel: '6.1',
        node: 'v20.20.2',
        redis: '7.0.15',
        mosquitto: '2.0.11',
        commit: 'abc1234',
        loadBefore: 0.5,
      },
      options: parsed.options,
      results: [bare, result({})],
      failures: [{ target: 'redis', message: 'no /usr/bin/redis-server\n  at …' }],
    };
    const md = renderMarkdown(report);
    expect(md).toContain('## Vigil fleet benchmark: 2,000 devices × 2 Hz × 30 s, 10 SOS, 1 board sockets');
    expect(md).toContain('`pnpm bench` on AMD EPYC, 2 cores, 24 GB, Linux 6.1, Node v20.20.2');
    expect(md).toContain('- redis: FAILED: no /usr/bin/redis-server\n');
    expect(md).toContain('Provisioned 2,000 residents and devices over REST in 12 s (not measured).');
    expect(md).not.toContain('ran late');
    expect(md).toContain('- embedded (1 process): CPU µs per message by process: vigil 250 (main thread busy 97 %).');
    const late = { ...report, results: [result({ driver: { ...result({}).driver, scheduleLagP99Ms: 450 } })] };
    expect(renderMarkdown(late)).toContain(
      '- embedded (1 process): the fleet itself ran late (schedule lag p99 450 ms; others used 20 % of a core)',
    );
  });
});
