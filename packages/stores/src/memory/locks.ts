import type { LockService } from '../types.ts';

/**
 * Serialises async work per key within one process: each `run` chains on the previous one of its
 * key. The memory stores' `locks` (one process is the whole platform), and the first stage of the
 * Redis locks (contention inside a process never polls Redis).
 */
export class KeyedLock implements LockService {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
