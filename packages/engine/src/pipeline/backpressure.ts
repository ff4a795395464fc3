/**
 * Under overload, vitals get backpressure, never dropped (issue 12 "SOS first"): once a partition's
 * owner is `max` routine records behind, the edge holds each further vitals message of that
 * partition until the owner has caught up to half of it. The broker acknowledges the message only
 * then, so devices slow down and keep what they measured (QoS 1) instead of the platform queueing
 * without bound. Calls for help are never held.
 */
export const DEFAULT_MAX_BACKLOG = 5_000;

export class Backpressure {
  private readonly behind = new Map<number, number>();
  private readonly waiting = new Map<number, (() => void)[]>();

  constructor(private readonly max = DEFAULT_MAX_BACKLOG) {}

  /** One more routine record in the partition's log; waits while the owner is too far behind. */
  async admitted(partition: number): Promise<void> {
    const n = (this.behind.get(partition) ?? 0) + 1;
    this.behind.set(partition, n);
    if (n <= this.max) return;
    await new Promise<void>((resolve) => {
      const list = this.waiting.get(partition) ?? [];
      list.push(resolve);
      this.waiting.set(partition, list);
    });
  }

  /** The owner applied records: `remaining` are still behind. */
  applied(partition: number, remaining: number): void {
    this.behind.set(partition, remaining);
    if (remaining > this.max / 2) return;
    const list = this.waiting.get(partition);
    if (!list) return;
    this.waiting.delete(partition);
    for (const resolve of list) resolve();
  }
}
