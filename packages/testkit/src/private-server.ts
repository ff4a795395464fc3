import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Private servers for infrastructure tests (STYLE.md §10): a real binary on a free loopback port, a
 * temp dir of its own, stopped by PID. Never a shared or fixed-port server.
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A loopback port that is free now; another process may take it before it is bound (`onFreePort`). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Calls `start` with a fresh free port until it succeeds, `attempts` times at most; else throws its last error. */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 3): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await start(await freePort());
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** True when something accepts a TCP connection on `host:port` within 500 ms. */
export function acceptsTcp(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => finish(true));
  });
}

export interface WaitOptions {
  timeoutMs: number;
  /** Pause between checks; default 50 ms. */
  intervalMs?: number;
  /** The failure as it reads before "within N s", e.g. `redis-server did not answer PING on port 6379`. */
  what: string;
  /** More for the failure message, after a colon and a line break (e.g. a process's output). */
  detail?: () => string;
}

/** Polls `check` until it is true; throws `${what} within N s` after `timeoutMs`, or what `check` throws. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  { timeoutMs, intervalMs = 50, what, detail }: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(intervalMs);
  }
  const more = detail === undefined ? '' : `:\n${detail()}`;
  throw new Error(`${what} within ${timeoutMs / 1000} s${more}`);
}

export interface StartProcessOptions {
  /** For failure messages: `${name} exited (1)`, `${name} did not ${readiness} within 10 s`. */
  name: string;
  /** The binary, e.g. `/usr/bin/redis-server`. */
  command: string;
  /** Its arguments; a function is given the temp dir first (to write a config there) and may be async. */
  args: readonly string[] | ((tmpDir: string) => readonly string[] | Promise<readonly string[]>);
  /** Name prefix of the temp dir created for it under `os.tmpdir()`; default `vigil-${name}-`. */
  tmpDirPrefix?: string;
  /** Working directory; default this process's. */
  cwd?: string;
  /** Environment; default this process's. */
  env?: NodeJS.ProcessEnv;
  /** One readiness probe (e.g. a PING); polled until true. */
  ready: () => Promise<boolean>;
  /** What `ready` means, for the timeout message: `answer PING on port 6379`. */
  readiness: string;
  /** How long to wait for `ready`; default 10 s. */
  timeoutMs?: number;
  /** Pause between probes; default 50 ms. */
  intervalMs?: number;
  /** Keep only the last this many characters of the output (for chatty servers); default all. */
  outputLimit?: number;
  /** How long after SIGTERM a process gets before SIGKILL; default 5 s. */
  stopGraceMs?: number;
}

export interface PrivateProcess {
  /** The PID of the running process (a new one after `restart()`). */
  readonly pid: number;
  /** The temp dir of its own, removed by `stop()`. */
  readonly tmpDir: string;
  /** Everything it wrote to stdout and stderr so far, over restarts (for failure messages). */
  output(): string;
  /** Stops it and starts it again with the same arguments and temp dir, then waits until ready. */
  restart(): Promise<void>;
  /** Stops it by PID (SIGTERM, SIGKILL after the grace) and removes the temp dir. */
  stop(): Promise<void>;
}

interface Launched {
  pid: number;
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** `process.kill`, quiet when the process is already gone. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * Spawns `command` in a temp dir of its own and waits until `ready()`. Fails, with the output so far,
 * if it cannot be spawned, exits first, or is not ready in time (then it is stopped); the temp dir
 * goes on failure too.
 */
export async function startProcess(opts: StartProcessOptions): Promise<PrivateProcess> {
  const { name, command, outputLimit, timeoutMs = 10_000, intervalMs = 50, stopGraceMs = 5_000 } = opts;
  const tmpDir = await mkdtemp(join(tmpdir(), opts.tmpDirPrefix ?? `vigil-${name}-`));
  let log = '';
  const append = (text: string) => {
    log = outputLimit === undefined ? log + text : (log + text).slice(-outputLimit);
  };

  const launch = async (args: readonly string[]): Promise<Launched> => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.on('error', (err) => append(`${err.message}\n`));
    child.stdout?.on('data', (c: Buffer) => append(c.toString()));
    child.stderr?.on('data', (c: Buffer) => append(c.toString()));
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${command}: ${log}`);
    const stop = async () => {
      if (exited(child)) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      signal(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!exited(child)) signal(pid, 'SIGKILL');
      }, stopGraceMs);
      await gone;
      clearTimeout(timer);
    };
    try {
      await waitUntil(
        async () => {
          if (exited(child)) {
            // Its last words may still be in the pipes.
            await Promise.race([closed, sleep(1_000)]);
            throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${log}`);
          }
          return opts.ready();
        },
        { timeoutMs, intervalMs, what: `${name} did not ${opts.readiness}`, detail: () => log },
      );
    } catch (err) {
      await stop();
      throw err;
    }
    return { pid, stop };
  };

  try {
    const args = typeof opts.args === 'function' ? await opts.args(tmpDir) : opts.args;
    let current = await launch(args);
    return {
      get pid() {
        return current.pid;
      },
      tmpDir,
      output: () => log,
      async restart() {
        await current.stop();
        current = await launch(args);
      },
      async stop() {
        await current.stop();
        await rm(tmpDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The missing-binary policy of infrastructure suites: whether to skip one that needs `paths`.
 * Installed: run. Missing on a developer machine: skip, warning `${suite} skipped: ${installHint}`.
 * Missing under `process.env.CI`: run all the same, so the suite fails with the install hint when it
 * starts its server; CI never skips.
 */
export function requireBinary(paths: string | readonly string[], installHint: string, suite?: string): boolean {
  const missing = (typeof paths === 'string' ? [paths] : paths).some((path) => !existsSync(path));
  if (!missing || process.env.CI) return false;
  if (suite !== undefined) console.warn(`${suite} skipped: ${installHint}`);
  return true;
}
