import { deepFreeze } from '../freeze.ts';

export interface SnapshotCacheOptions {
  /** Records kept per kind (devices, residents); the least recently used go first. Default 100,000. */
  maxEntries?: number;
  /**
   * A cached record is read again after this long even if no invalidation came (a safety net for a
   * message lost some way the subscriber did not notice). Default 60 s.
   */
  ttlMs?: number;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** A read from Redis under way; `stale` once an invalidation came while it was. */
interface Load<T> {
  promise: Promise<T | undefined>;
  stale: boolean;
}

/**
 * Process-local snapshots of records read on every message (devices, residents), behind
 * `snapshot` only. Values are deep-frozen, as the memory store's snapshots are, so the one copy
 * is handed to every caller.
 *
 * Staleness guards: `invalidate` (a change committed here or heard on the invalidation bus) drops the
 * record and marks a load of it under way as stale, so a read that started before the change and
 * returns after it is not cached (the load/invalidate race); concurrent reads of one id share one
 * load. Nothing is cached while `live()` is false (the bus is not subscribed), `clear` drops
 * everything (the bus reconnected, or this engine took over partitions), and entries expire.
 */
export class SnapshotCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly loading = new Map<string, Load<T>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;

  constructor(
    private readonly live: () => boolean,
    opts: SnapshotCacheOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxEntries = Math.max(0, Math.floor(opts.maxEntries ?? 100_000));
    this.ttlMs = opts.ttlMs ?? 60_000;
  }

  /** The cached record, or `load`'s (cached if nothing changed it meanwhile). */
  get(id: string, load: () => Promise<T | undefined>): Promise<Readonly<T> | undefined> {
    const live = this.live();
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      if (live && hit.expiresAt > this.now()) {
        // Re-inserted: Map order is the recency order eviction goes by.
        this.entries.set(id, hit);
        return Promise.resolve(hit.value);
      }
    }
    if (!live) return load().then((v) => (v === undefined ? undefined : deepFreeze(v)));
    const under = this.loading.get(id);
    if (under) return under.promise;
    const l: Load<T> = { promise: Promise.resolve(undefined), stale: false };
    l.promise = load().then(
      (v) => {
        if (this.loading.get(id) === l) this.loading.delete(id);
        if (v === undefined) return undefined;
        const frozen = deepFreeze(v);
        // Unknown ids are not remembered: a device provisioned a moment ago must be found at once.
        if (!l.stale) this.remember(id, frozen);
        return frozen;
      },
      (err: unknown) => {
        if (this.loading.get(id) === l) this.loading.delete(id);
        throw err;
      },
    );
    this.loading.set(id, l);
    return l.promise;
  }

  /** Replaces a cached record by `change(record)` (this process's own write); no-op if not cached. */
  update(id: string, change: (current: T) => T): void {
    const e = this.entries.get(id);
    if (e) e.value = deepFreeze(change(e.value));
  }

  invalidate(id: string): void {
    this.entries.delete(id);
    const l = this.loading.get(id);
    if (!l) return;
    l.stale = true;
    // Later readers start a read of their own, after the change.
    this.loading.delete(id);
  }

  clear(): void {
    this.entries.clear();
    for (const l of this.loading.values()) l.stale = true;
    this.loading.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(id: string, value: T): void {
    if (this.maxEntries === 0) return;
    this.entries.set(id, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
