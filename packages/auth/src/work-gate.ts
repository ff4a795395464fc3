/**
 * A bound on expensive work that strangers can trigger (issue 13 "cheap where unauthenticated"):
 * at most `maxConcurrent` tasks run and at most `maxQueued` wait, and a task that would wait longer
 * than `maxWaitMs` (the work ahead of it times the recent task time) is refused at once with
 * `WorkGateBusyError` instead of piling up. Without it a flood of logins queued argon2id verifications
 * without limit and one real login took 11.8 s; with it a login either starts soon or is told at once
 * to come back (REST 503, MQTT CONNACK 3). The time bound follows the machine: under load a task takes
 * longer, so fewer wait.
 *
 * Two lanes: `trusted` work (a name that signed in from the same address before, see
 * failure-backoff.ts) has a queue of its own, is started before any `untrusted` work waiting, and
 * may use one slot more than `maxConcurrent`, so a known user never waits behind strangers' work.
 * p-limit and p-queue have no refusing bound and no lanes; this is small enough to own.
 */
export type WorkLane = 'trusted' | 'untrusted';

export interface WorkGateOptions {
  /** Untrusted tasks running at once (trusted ones may use one more slot). */
  maxConcurrent: number;
  /** Tasks waiting per lane; one more is refused. */
  maxQueued: number;
  /** Refuse instead of queueing when the expected wait is longer; absent: no time bound. */
  maxWaitMs?: number;
  /** Monotonic milliseconds, for the recent task time (injected in tests); `performance.now` by default. */
  now?: () => number;
}
export interface WorkGateStats {
  running: number;
  queued: number;
  /** Tasks refused because the queue was full or the wait too long, since start. */
  refused: number;
  /** Moving average of how long a task ran lately (what the expected wait is reckoned with). */
  averageTaskMs: number;
}

/** The queue is full: try again shortly. `retryAfterMs` is a hint for Retry-After. */
export class WorkGateBusyError extends Error {
  readonly code = 'busy';
  constructor(readonly retryAfterMs: number) {
    super('too much authentication work in progress; try again shortly');
    this.name = 'WorkGateBusyError';
  }
}

/** What a refused caller is told to wait: a task takes ~50 ms, a full queue drains within a second. */
const RETRY_AFTER_MS = 1000;
/** The task time assumed before any has run (an argon2id verification on this machine class). */
const INITIAL_TASK_MS = 50;
/** Weight of the newest task in the moving average. */
const ALPHA = 0.2;

export class WorkGate {
  private running = 0;
  private refused = 0;
  private averageTaskMs = INITIAL_TASK_MS;
  private readonly queues: Record<WorkLane, (() => void)[]> = { trusted: [], untrusted: [] };
  private readonly now: () => number;

  constructor(private readonly opts: WorkGateOptions) {
    if (!(opts.maxConcurrent >= 1) || !(opts.maxQueued >= 0))
      throw new RangeError('a work gate needs maxConcurrent >= 1 and maxQueued >= 0');
    this.now = opts.now ?? (() => performance.now());
  }

  /** Runs `task` now, or after the work ahead of it; rejects with `WorkGateBusyError` when full. */
  run<T>(task: () => Promise<T>, lane: WorkLane = 'untrusted'): Promise<T> {
    if (this.running < this.slots(lane)) return this.start(task);
    const queue = this.queues[lane];
    if (queue.length >= this.opts.maxQueued || this.expectedWaitMs(lane) > (this.opts.maxWaitMs ?? Infinity)) {
      this.refused++;
      return Promise.reject(new WorkGateBusyError(RETRY_AFTER_MS));
    }
    return new Promise<T>((resolve, reject) => {
      queue.push(() => {
        this.start(task).then(resolve, reject);
      });
    });
  }

  stats(): WorkGateStats {
    return {
      running: this.running,
      queued: this.queues.trusted.length + this.queues.untrusted.length,
      refused: this.refused,
      averageTaskMs: this.averageTaskMs,
    };
  }

  private slots(lane: WorkLane): number {
    return this.opts.maxConcurrent + (lane === 'trusted' ? 1 : 0);
  }

  /** How long a task queued now in `lane` would wait: everything ahead of it, spread over the slots. */
  private expectedWaitMs(lane: WorkLane): number {
    const ahead = this.queues.trusted.length + (lane === 'untrusted' ? this.queues.untrusted.length : 0);
    return ((ahead + 1) / this.slots(lane)) * this.averageTaskMs;
  }

  private async start<T>(task: () => Promise<T>): Promise<T> {
    this.running++;
    const startedAt = this.now();
    try {
      return await task();
    } finally {
      this.averageTaskMs += ALPHA * (this.now() - startedAt - this.averageTaskMs);
      this.running--;
      // The slot goes straight to the next waiter (trusted first), synchronously, so no new arrival
      // can take it in between.
      if (this.queues.trusted.length > 0 && this.running < this.slots('trusted')) this.queues.trusted.shift()?.();
      else if (this.running < this.slots('untrusted')) this.queues.untrusted.shift()?.();
    }
  }
}
