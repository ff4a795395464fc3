import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HistogramData } from './stats.ts';

/**
 * The orders the orchestrator gives its child processes (fleet drivers, the board listener) and what
 * they report, over Node's IPC channel. Times that cross processes are `monoMs` readings (below).
 */

/**
 * CLOCK_MONOTONIC in ms: one clock for every process on this machine (unlike `performance.now()`,
 * which counts from each process's own start, and unlike `Date.now()`, which NTP may step), so an SOS
 * pressed in a fleet process and its alert seen in the board process can be subtracted.
 */
export const monoMs = () => Number(process.hrtime.bigint() / 1000n) / 1000;

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface DeviceCredentials {
  /** Global index in the fleet (fixes its phase). */
  index: number;
  id: string;
  /** Absent for a broker without authentication (the bare one). */
  secret?: string;
}

export interface ConnectOrder {
  cmd: 'connect';
  url: string;
  fleetSize: number;
  devices: DeviceCredentials[];
  concurrency: number;
  topicPrefix: string;
  facilityId: string;
}

export interface ConnectResult {
  connected: number;
  refused: number;
  seconds: number;
  connackMs: { p50: number; p99: number; max: number };
}

export interface RunOrder {
  cmd: 'run';
  /** Date.now() at which the steady phase starts (a shared instant; the schedule itself is local). */
  startAtEpochMs: number;
  rateHz: number;
  seconds: number;
  /** This process's SOS presses: global device index and ms from the start. */
  sos: { index: number; atMs: number }[];
  drainSeconds: number;
}

export interface SosSent {
  deviceId: string;
  /** monoMs at the publish call. */
  sentAtMono: number;
  /** PUBACK latency of the SOS itself, ms (NaN if never acknowledged). */
  pubackMs: number;
}

export interface RunResult {
  published: number;
  acked: number;
  /** Publishes whose callback reported an error (connection closed under them). */
  failed: number;
  /** Published but neither acknowledged nor failed when the drain wait ended. */
  unacked: number;
  /** Still owed PUBACKs when the last publish went out: a target that keeps up owes about a second's worth. */
  owedAtEnd: number;
  /** From the first publish to the last PUBACK (or the end of the drain wait). */
  activeSeconds: number;
  /** Acknowledged per whole second since the start (index = second). */
  ackedPerSecond: number[];
  puback: HistogramData;
  /** How late publishes left against their schedule: the driver's own health. */
  lag: HistogramData;
  sos: SosSent[];
  /** Connections that closed during the run (they are not reopened: a reconnect would hide the loss). */
  disconnects: number;
}

export interface SosArrival {
  deviceId: string;
  socket: number;
  atMono: number;
}

export interface BoardOrder {
  cmd: 'open-boards';
  baseUrl: string;
  token: string;
  sockets: number;
  /** Resident ids each socket subscribes to for live vitals. */
  watch: string[];
}

export interface BoardReport {
  arrivals: SosArrival[];
  /** Live vitals events received over all sockets. */
  vitalsEvents: number;
  /** Other events (device online, alerts other than SOS raises, tasks…). */
  otherEvents: number;
  disconnects: number;
}

export type ToChild = ConnectOrder | RunOrder | BoardOrder | { cmd: 'report' } | { cmd: 'close' };
export type FromChild =
  | { event: 'ready' }
  | { event: 'connected'; result: ConnectResult }
  | { event: 'board-connected'; seconds: number }
  | { event: 'done'; result: RunResult }
  | { event: 'report'; report: BoardReport }
  | { event: 'failed'; message: string };

/** A forked child process that answers orders, one at a time. */
export class Child {
  private pending: { resolve: (m: FromChild) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  private constructor(readonly proc: ChildProcess) {
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    proc.on('message', (m: FromChild) => {
      if (m.event === 'ready') return this.markReady();
      if (m.event === 'failed') return this.fail(new Error(m.message));
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(m);
    });
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        this.fail(new Error(`${proc.spawnargs.at(-1)} exited (${code ?? signal}) before answering`));
        resolve();
      }),
    );
  }

  /** Forks a bench module, run through tsx as the targets are. */
  static start(modulePath: string): Child {
    return new Child(fork(modulePath, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: 'inherit' }));
  }

  get pid(): number {
    return this.proc.pid as number;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }

  /** Resolves once the child has loaded and listens for orders (so its start-up is never timed). */
  async started(): Promise<void> {
    await Promise.race([this.ready, this.exited]);
    if (this.failure) throw this.failure;
  }

  /** Sends an order (once the child has started) and waits for its one answer. */
  async ask(order: ToChild): Promise<FromChild> {
    await this.started();
    if (this.pending) throw new Error('one order at a time');
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.proc.send(order);
    });
  }

  /** Asks it to close its connections and exit; kills it (by its PID) if it has not within 10 s. */
  async close(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    if (this.proc.connected) this.proc.send({ cmd: 'close' } satisfies ToChild);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** In a child: answers the orchestrator's orders with `handle`, reporting failures instead of dying silently. */
export function serveOrders(handle: (order: ToChild) => Promise<FromChild | undefined>): void {
  process.on('message', (order: ToChild) => {
    handle(order).then(
      (answer) => {
        if (answer) process.send?.(answer);
      },
      (err: unknown) =>
        process.send?.({ event: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.send?.({ event: 'ready' } satisfies FromChild);
}
