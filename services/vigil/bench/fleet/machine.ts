import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { REPO_ROOT } from './ipc.ts';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  redis: string;
  mosquitto: string;
  /** The code measured: commit, and whether the work tree had changes on top of it. */
  commit: string;
  /** 1-minute load average before the run: other work on the machine (engineers' tests) makes noise. */
  loadBefore: number;
}

const quiet = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    // `mosquitto -h` prints its version and exits 3.
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
  }
};

export function describeMachine(): Machine {
  const dirty = quiet('git', ['status', '--porcelain', '--untracked-files=no']) !== '';
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    redis: /v=(\S+)/.exec(quiet('redis-server', ['--version']))?.[1] ?? 'not installed',
    mosquitto: /mosquitto version (\S+)/.exec(quiet('mosquitto', ['-h']))?.[1] ?? 'not installed',
    commit: `${quiet('git', ['rev-parse', '--short', 'HEAD']) || 'unknown'}${dirty ? ' + uncommitted changes' : ''}`,
    loadBefore: loadavg()[0] ?? 0,
  };
}
