import type { RedisClient } from './script.ts';

/**
 * Whether the stores can answer now (issue 13 item 6 "fail fast, say so"). What `/readyz`, the REST
 * gate and Socket.IO ask before they wait on the stores; the memory stores are always reachable.
 */
export interface StoreReachability {
  reachable(): boolean;
  /** Called on every change (not on every check); returns the unsubscribe. */
  onChange(listener: (reachable: boolean) => void): () => void;
}

export interface ReachabilityOptions {
  /** How often a PING is sent while none is outstanding (default 250 ms). */
  pingEveryMs?: number;
  /**
   * A PING unanswered this long makes Redis unreachable (default 1000 ms). With the default interval,
   * a Redis that stops answering is noticed within 1.25 s, so a REST call waiting on it is answered
   * 503 inside issue 13's 2 s.
   */
  unreachableAfterMs?: number;
}

/**
 * Watches one connection with PINGs of its own. The connection's status alone is not enough: a Redis
 * that hangs (stopped, swapping, a network that drops packets without a reset) leaves the socket open
 * and `status` `ready` while every command waits. Commands on this connection never fail while Redis is
 * away (index.ts: `maxRetriesPerRequest: null`, so the ingest path acknowledges nothing it has not
 * written), so nothing here changes how they wait: this only tells the callers who must not wait.
 *
 * The PING goes through the same connection and queue as the stores' commands: it measures what they
 * would meet. One PING at a time; one outstanding longer than the limit, or a connection not `ready`
 * (closed, reconnecting, loading), is unreachable. The first answer after that is reachable again.
 */
export class RedisReachability implements StoreReachability {
  private readonly listeners = new Set<(reachable: boolean) => void>();
  private readonly pingEveryMs: number;
  private readonly unreachableAfterMs: number;
  private pingSentAt: number | undefined;
  private lastAnswered = true;
  private state: boolean;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: RedisClient,
    opts: ReachabilityOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.pingEveryMs = opts.pingEveryMs ?? 250;
    this.unreachableAfterMs = opts.unreachableAfterMs ?? 1_000;
    this.state = client.status === 'ready';
  }

  start(): void {
    if (this.timer) return;
    // A closed connection is unreachable at once, without waiting for a PING to time out.
    this.client.on('close', this.evaluate);
    this.client.on('ready', this.evaluate);
    this.timer = setInterval(() => this.tick(), this.pingEveryMs);
    // Never what keeps a process alive.
    this.timer.unref();
    this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.client.off('close', this.evaluate);
    this.client.off('ready', this.evaluate);
    this.listeners.clear();
  }

  reachable(): boolean {
    return this.state;
  }

  onChange(listener: (reachable: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tick(): void {
    if (this.pingSentAt === undefined && this.client.status === 'ready') this.ping();
    // Judged after this turn's I/O: timers run before socket reads, so an event loop that was busy for
    // a second would otherwise find the PING "unanswered" with its answer already waiting in the
    // socket, and call a Redis that answered in time unreachable.
    setImmediate(this.evaluate);
  }

  private ping(): void {
    const sentAt = this.now();
    this.pingSentAt = sentAt;
    this.client.ping().then(
      () => this.answered(sentAt, true),
      // A PING refused (e.g. LOADING after a restart) is an answer that the stores cannot be used yet.
      () => this.answered(sentAt, false),
    );
  }

  private answered(sentAt: number, ok: boolean): void {
    if (this.pingSentAt !== sentAt) return;
    this.pingSentAt = undefined;
    this.lastAnswered = ok;
    this.evaluate();
  }

  private readonly evaluate = (): void => {
    const waiting = this.pingSentAt !== undefined && this.now() - this.pingSentAt >= this.unreachableAfterMs;
    const next = this.client.status === 'ready' && this.lastAnswered && !waiting;
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener(next);
  };
}
