/**
 * When buffered writes go out (issue 12: per-sample writes coalesced): within `flushMs` of the first
 * write buffered, or at once on `flush()`. Write-outs run one at a time, in order, so a `flush()`
 * resolves once everything buffered before it is in Redis. A failed timed write-out is reported and
 * tried again later (the buffer keeps what did not go out); a failed `flush()` rejects.
 */
export class WriteBehind {
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly flushMs: number,
    private readonly writeOut: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Something was buffered: it goes out within `flushMs`. */
  schedule(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((err: unknown) => {
        this.onError(err);
        this.schedule();
      });
    }, this.flushMs);
    // A buffer alone keeps no process alive; `close()` writes it out.
    this.timer.unref();
  }

  /** Writes out everything buffered so far. */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.writeOut());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** No more timed write-outs; writes out what is left, unless `discard` (Redis is away: it would wait for it). */
  async close(discard = false): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!discard) await this.flush();
  }
}
