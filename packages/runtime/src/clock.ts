/**
 * Time is injected (STYLE.md §3): rules, alert lifecycle, dispatch and SLA take a Clock so tests drive
 * them with a manual clock instead of sleeping.
 */
export interface Clock {
  now(): number;
  /** Runs `fn` after `ms`; returns a cancel function. */
  setTimeout(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

/**
 * Runs `work` every `intervalMs` on `clock`, each run `intervalMs` after the previous one ended (never
 * two at once, however long one takes); a failed run goes to `onError` and the next still comes.
 * Returns the stop.
 */
export function repeatAfter(
  clock: Clock,
  intervalMs: number,
  work: () => Promise<unknown>,
  onError: (err: unknown) => void,
): () => void {
  let stopped = false;
  let cancel: () => void;
  const tick = () => {
    work()
      .catch(onError)
      .finally(() => {
        if (!stopped) cancel = clock.setTimeout(tick, intervalMs);
      });
  };
  cancel = clock.setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    cancel();
  };
}

/** A clock tests move by hand; timers fire in due order as time advances. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(private current = Date.parse('2026-01-01T00:00:00Z')) {}

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.current + Math.max(0, ms), fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }

  set(ms: number): void {
    this.advance(Math.max(0, ms - this.current));
  }
}
