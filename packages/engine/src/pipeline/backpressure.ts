/**
 * Under overload, vitals get backpressure, never dropped (issue 12 "SOS first"): once a partition's
 * log keeps more than `max` routine records (appended by any engine, not yet applied by its owner,
 * wherever that runs), the edge holds each further vitals message of that partition until the log is
 * down to half of it. The broker acknowledges the message only then, so devices slow down and keep
 * what they measured (QoS 1) instead of the platform queueing without bound. Calls for help are never
 * held.
 *
 * The edge that admits a message is often not the partition's owner (with several engines on one
 * shared subscription, most are not), so it cannot learn the backlog from the owner's progress. It
 * counts its own admissions per partition and asks the log for the real figure only when that count
 * passes `max` since the last answer: one `backlog` query per `max` messages while all is well. With
 * E engines the log can hold up to about E × `max` before one of them notices. A durable log keeps
 * applied records until the owner's next checkpoint trims them (every 2 s), so its figure runs a
 * couple of seconds of traffic high; `max` is far above that.
 */
export const DEFAULT_MAX_BACKLOG = 5_000;
/** How often a held partition's backlog is asked again. */
const HOLD_POLL_MS = 100;

export interface BackpressureOptions {
  /** Records a partition's routine lane may keep before vitals are held. */
  max?: number;
  /** Records the partition's routine lane keeps now (the shared log's count). */
  backlog(partition: number): Promise<number>;
  /** Reports a failed backlog query (the partition stays held and is asked again). */
  onError?(err: unknown): void;
}

export class Backpressure {
  private readonly max: number;
  /** Per partition: the log's last answer plus what this edge admitted since. */
  private readonly estimate = new Map<number, number>();
  /** Per partition: the check in flight (or the hold), shared by every message that waits on it. */
  private readonly checks = new Map<number, Promise<void>>();
  private closed: Error | undefined;

  constructor(private readonly opts: BackpressureOptions) {
    this.max = opts.max ?? DEFAULT_MAX_BACKLOG;
  }

  /** One more routine record appended to the partition's log; waits while the log keeps too many. */
  admitted(partition: number): Promise<void> | undefined {
    const pending = this.checks.get(partition);
    if (pending) return pending;
    const n = (this.estimate.get(partition) ?? 0) + 1;
    this.estimate.set(partition, n);
    if (n <= this.max) return undefined;
    const check = this.check(partition).finally(() => this.checks.delete(partition));
    this.checks.set(partition, check);
    return check;
  }

  /** Releases every held message with an error (the engine stops: the broker must not acknowledge them). */
  close(): void {
    this.closed = new Error('the engine is stopping: not acknowledged, the device sends it again');
  }

  private async check(partition: number): Promise<void> {
    let kept = await this.measure(partition);
    if (kept !== undefined && kept <= this.max) return;
    // Far behind: hold until the owner has worked the log down to half.
    while (kept === undefined || kept > this.max / 2) {
      await new Promise((resolve) => setTimeout(resolve, HOLD_POLL_MS).unref?.());
      if (this.closed) throw this.closed;
      kept = await this.measure(partition);
    }
  }

  private async measure(partition: number): Promise<number | undefined> {
    try {
      const kept = await this.opts.backlog(partition);
      this.estimate.set(partition, kept);
      return kept;
    } catch (err) {
      this.opts.onError?.(err);
      return undefined;
    }
  }
}
