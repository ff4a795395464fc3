/**
 * A bound on expensive work that strangers can trigger (issue 13 "cheap where unauthenticated"):
 * at most `maxConcurrent` tasks run, at most `maxQueued` wait, and anything beyond is refused at once
 * with `WorkGateBusyError` instead of piling up. Without it a flood of logins queued argon2id
 * verifications without limit and one real login took 11.8 s; with it a login either starts within
 * `maxQueued / maxConcurrent` task times or is told to come back (REST 503, MQTT CONNACK 3).
 *
 * Two lanes: `trusted` work (a name that signed in from the same address before, see
 * failure-backoff.ts) is started before any `untrusted` work waiting, and has a queue of its own, so a
 * flood of strangers cannot push a known user out. p-limit and p-queue have no refusing bound or no
 * lanes with separate bounds; this is small enough to own.
 */
export type WorkLane = 'trusted' | 'untrusted';

export interface WorkGateOptions {
  /** Tasks running at once. */
  maxConcurrent: number;
  /** Tasks waiting per lane; one more is refused. */
  maxQueued: number;
}

export interface WorkGateStats {
  running: number;
  queued: number;
  /** Tasks refused because the queue was full, since start. */
  refused: number;
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

export class WorkGate {
  private running = 0;
  private refused = 0;
  private readonly queues: Record<WorkLane, (() => void)[]> = { trusted: [], untrusted: [] };

  constructor(private readonly opts: WorkGateOptions) {
    if (!(opts.maxConcurrent >= 1) || !(opts.maxQueued >= 0))
      throw new RangeError('a work gate needs maxConcurrent >= 1 and maxQueued >= 0');
  }

  /** Runs `task` now, or after the work ahead of it; rejects with `WorkGateBusyError` when full. */
  run<T>(task: () => Promise<T>, lane: WorkLane = 'untrusted'): Promise<T> {
    if (this.running < this.opts.maxConcurrent) return this.start(task);
    const queue = this.queues[lane];
    if (queue.length >= this.opts.maxQueued) {
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
    };
  }

  private async start<T>(task: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      // The slot goes straight to the next waiter (trusted first), synchronously, so no new arrival
      // can take it in between.
      (this.queues.trusted.shift() ?? this.queues.untrusted.shift())?.();
    }
  }
}
