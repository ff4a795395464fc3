import type { BenchOptions } from './flags.ts';
import type { Machine } from './machine.ts';
import type { TargetResult } from './results.ts';

/** Everything one `pnpm bench` run measured, as written to the JSON file. */
export interface BenchReport {
  command: string;
  startedAt: string;
  machine: Machine;
  options: BenchOptions;
  results: TargetResult[];
  failures: { target: string; message: string }[];
}

const dash = '–';
const n0 = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? dash : Math.round(v).toLocaleString('en-US');
const n1 = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? dash : v < 10 ? v.toFixed(1) : Math.round(v).toString();
const slash = (...vs: (number | null | undefined)[]) =>
  vs.every((v) => v === null || v === undefined) ? dash : vs.map(n1).join(' / ');

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The figures an operator compares against the targets, one row per target. */
export function mainTable(results: readonly TargetResult[]): string {
  return table(
    [
      'target',
      'connect s',
      'offered/s',
      'accepted/s',
      'lost',
      'dup',
      'PUBACK p50 / p99 ms',
      'SOS → board p50 / p99 / max ms',
      'CPU µs/msg',
      '× bare',
      'RSS MB idle → end',
      'kept up',
    ],
    results.map((r) => [
      r.label,
      n1(r.connect.seconds) + (r.connect.refused ? ` (${r.connect.refused} refused)` : ''),
      n0(r.offeredPerSecond),
      r.countedInTime === false ? `≤ ${n0(r.acceptedPerSecond)} (still counting)` : n0(r.acceptedPerSecond),
      n0(r.lost),
      n0(r.duplicates),
      slash(r.pubackMs.p50, r.pubackMs.p99),
      r.sosToBoardMs
        ? slash(r.sosToBoardMs.p50, r.sosToBoardMs.p99, r.sosToBoardMs.max) +
          (r.sosMissed ? ` (${r.sosMissed} missed)` : '')
        : dash,
      n0(r.cpu.usPerMessage),
      r.cpu.ratioToBare === null ? dash : `${r.cpu.ratioToBare.toFixed(1)}×`,
      `${n0(r.rssMb.idle)} → ${n0(r.rssMb.end)}`,
      keptUpCell(r),
    ]),
  );
}

/** Yes, or no with why: PUBACKs owed when the steady phase ended, and when the last message was done. */
function keptUpCell(r: TargetResult): string {
  if (r.keptUp) return 'yes';
  const why = [
    ...(r.owedAtEnd > r.offeredPerSecond ? [`${n0(r.owedAtEnd)} PUBACKs owed at T`] : []),
    ...(r.unackedAfterDrain ? [`${n0(r.unackedAfterDrain)} never acked`] : []),
    ...(r.activeSeconds > r.pubackSeconds + 1 ? [`last PUBACK at ${n1(r.pubackSeconds)} s`] : []),
    `done at ${n1(r.activeSeconds)} s of ${n1(r.seconds)}`,
  ];
  return `no (${why.join(', ')})`;
}

/** What the measuring side used, so a starved driver is seen rather than mistaken for a slow target. */
export function driverTable(results: readonly TargetResult[]): string {
  return table(
    [
      'target',
      'fleet processes',
      'fleet CPU %',
      'fleet µs/msg',
      'fleet RSS MB',
      'schedule lag p99 / max ms',
      'board CPU %',
      'target idle CPU %',
      'machine busy % / others %',
    ],
    results.map((r) => [
      r.label,
      String(r.driver.fleetProcesses),
      n0(r.driver.cpuPercent),
      n0(r.driver.usPerMessage),
      n0(r.driver.rssMb),
      slash(r.driver.scheduleLagP99Ms, r.driver.scheduleLagMaxMs),
      n0(r.driver.boardCpuPercent),
      n0(r.cpu.idlePercent),
      `${n0(r.machine.busyPercent)} / ${n0(r.machine.otherPercent)}`,
    ]),
  );
}

/** Schedule lag above which the fleet itself was late enough to colour the latencies it measured. */
const LATE_DRIVER_MS = 100;

function details(r: TargetResult): string[] {
  const out: string[] = [];
  if (r.driver.scheduleLagP99Ms > LATE_DRIVER_MS)
    out.push(
      `- ${r.label}: the fleet itself ran late (schedule lag p99 ${n0(r.driver.scheduleLagP99Ms)} ms; others used ` +
        `${n0(r.machine.otherPercent)} % of a core): its PUBACK and SOS latencies include the driver's own delays.`,
    );
  const cpu = Object.entries(r.cpu.processMs)
    .map(([name, ms]) => {
      const main = r.cpu.mainThreadPercent[name];
      return `${name} ${n0((ms * 1000) / Math.max(1, r.accepted))}${main === undefined ? '' : ` (main thread busy ${n0(main)} %)`}`;
    })
    .join(', ');
  out.push(`- ${r.label}: CPU µs per message by process: ${cpu}.`);
  if (r.cpu.engineUsPerMessage !== null && r.target === 'redis') {
    const engines = Object.keys(r.cpu.processMs).filter((n) => n.startsWith('engine')).length;
    out.push(
      `  Engines: ${n0(r.acceptedPerSecond / Math.max(1, engines))} accepted/s each; ` +
        `${n0(r.cpu.engineUsPerMessage)} µs of engine CPU per message, so one engine process ` +
        `at a full core would take about ${n0(1e6 / r.cpu.engineUsPerMessage)} samples/s.`,
    );
  }
  if (r.provisionSeconds !== null)
    out.push(
      `  Provisioned ${n0(r.devices)} residents and devices over REST in ${n1(r.provisionSeconds)} s (not measured).`,
    );
  out.push(
    `  Connect: CONNACK p50 ${n1(r.connect.connackP50Ms)} ms, p99 ${n1(r.connect.connackP99Ms)} ms. ` +
      `Published ${n0(r.published)}, acknowledged ${n0(r.acked)}, accepted ${n0(r.accepted)}` +
      (r.rejected ? `, rejected ${n0(r.rejected)}` : '') +
      (r.disconnects ? `, ${n0(r.disconnects)} device connections lost` : '') +
      (r.board?.disconnects ? `, board sockets dropped ${r.board.disconnects} times (reconnected, replayed)` : '') +
      `. SOS PUBACK p50 / max ${slash(r.sosPubackMs.p50, r.sosPubackMs.max)} ms.`,
  );
  const warned = Object.entries(r.warnings).map(([name, lines]) => `${name} ${lines.length}`);
  if (warned.length) out.push(`  Warnings or errors logged (last 20 each in the JSON): ${warned.join(', ')}.`);
  return out;
}

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const o = report.options;
  const lines = [
    `## Vigil fleet benchmark: ${n0(o.devices)} devices × ${o.rateHz} Hz × ${o.seconds} s, ${o.sos} SOS, ${o.sockets} board sockets`,
    '',
    `\`${report.command}\` on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Linux ${m.kernel}, Node ${m.node}, ` +
      `Redis ${m.redis}, Mosquitto ${m.mosquitto}; commit ${m.commit}; load average ${m.loadBefore.toFixed(2)} before; ${report.startedAt}.`,
    '',
    mainTable(report.results),
    '',
    mainTableNotes(report.results),
    '',
    driverTable(report.results),
    '',
    'CPU % of one core (200 % is all of a 2-core machine). Schedule lag: how late the fleet sent against its ' +
      'schedule (its own health). Others: CPU the machine spent on work that is none of the benchmark’s.',
    '',
    ...report.results.flatMap(details),
    ...report.failures.map((f) => `- ${f.target}: FAILED: ${f.message.split('\n')[0]}`),
  ];
  return `${lines.join('\n')}\n`;
}

function mainTableNotes(results: readonly TargetResult[]): string {
  const redis = results.some((r) => r.target === 'redis');
  return (
    'accepted/s: accepted by the ingest counters (PUBACKs for the bare broker) over the time from the start to the ' +
    'last PUBACK, or to the last message counted when counting lagged the PUBACKs. Lost: published − accepted, ' +
    'after the drain. CPU µs/msg: CPU time of the target’s processes over that time, per message accepted' +
    (redis ? ' (Redis + Mosquitto: the engines, the gateway, redis-server and mosquitto together)' : '') +
    '; × bare: over the bare broker’s in the same run. Kept up: nothing owed or lost, at most a second of ' +
    'messages awaiting PUBACKs at the end, and all counted by then.'
  );
}
