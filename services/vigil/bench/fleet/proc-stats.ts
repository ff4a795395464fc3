import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * CPU time and memory of any process on this machine, read from Linux's /proc (proc(5)) by PID, so
 * the orchestrator measures target processes it did not write (redis-server, mosquitto) the same way
 * as its own children. utime and stime count every thread (libuv's pool, tsx's loader thread too).
 */

export interface ProcSample {
  pid: number;
  /** User plus system CPU time since the process started, in ms (resolution: one clock tick, 10 ms). */
  cpuMs: number;
  /**
   * Of which its main thread (task id = pid): Node runs JavaScript there, so a main thread busy all
   * the time is a saturated process whatever its total (GC and libuv threads add to the total).
   */
  mainThreadCpuMs: number;
  /** Resident set now, in MB. */
  rssMb: number;
  /** Peak resident set since the process started (VmHWM), in MB. */
  peakRssMb: number;
}

/**
 * utime and stime (fields 14 and 15 of proc(5)) in clock ticks. The command name (field 2) is in
 * parentheses and may itself hold spaces or parentheses, so fields are counted after the last `)`.
 */
export function parseStat(text: string): { utimeTicks: number; stimeTicks: number } {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  // After `) ` comes field 3 (state): field n is at index n − 3.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const utimeTicks = Number(fields[14 - 3]);
  const stimeTicks = Number(fields[15 - 3]);
  if (!Number.isFinite(utimeTicks) || !Number.isFinite(stimeTicks)) throw new Error('no utime/stime in stat line');
  return { utimeTicks, stimeTicks };
}

/** VmRSS and VmHWM of /proc/<pid>/status, in kB (0 when absent, as for a zombie). */
export function parseStatus(text: string): { rssKb: number; peakRssKb: number } {
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssKb: kb('VmRSS'), peakRssKb: kb('VmHWM') };
}

let clockTicks: number | undefined;

/** Clock ticks per second (sysconf(_SC_CLK_TCK)); 100 on every common Linux build. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export async function sampleProcess(pid: number): Promise<ProcSample> {
  const [stat, mainStat, status] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8'),
    readFile(`/proc/${pid}/task/${pid}/stat`, 'utf8'),
    readFile(`/proc/${pid}/status`, 'utf8'),
  ]);
  const ms = (s: string) => {
    const { utimeTicks, stimeTicks } = parseStat(s);
    return ((utimeTicks + stimeTicks) * 1000) / clockTicksPerSecond();
  };
  const { rssKb, peakRssKb } = parseStatus(status);
  return {
    pid,
    cpuMs: ms(stat),
    mainThreadCpuMs: ms(mainStat),
    rssMb: rssKb / 1024,
    peakRssMb: peakRssKb / 1024,
  };
}

/** A named set of processes (e.g. "engine-1", "redis-server"), sampled together. */
export type ProcessSet = Record<string, number>;
export type SetSample = Record<string, ProcSample>;

export async function sampleSet(set: ProcessSet): Promise<SetSample> {
  const entries = await Promise.all(
    Object.entries(set).map(async ([name, pid]) => [name, await sampleProcess(pid)] as const),
  );
  return Object.fromEntries(entries);
}

/**
 * Busy CPU ms of the whole machine, all cores, from the aggregate `cpu` line of /proc/stat (user, nice,
 * system, idle, iowait, irq, softirq, steal…): everything but idle and iowait. What the target and the
 * driver did not use of it is other work on the machine, the noise the report names.
 */
export function parseMachineBusyTicks(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no aggregate cpu line in /proc/stat');
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // guest and guest_nice (9th, 10th) are already counted in user and nice.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return user + nice + system + irq + softirq + steal;
}

export async function machineBusyMs(): Promise<number> {
  return (parseMachineBusyTicks(await readFile('/proc/stat', 'utf8')) * 1000) / clockTicksPerSecond();
}
