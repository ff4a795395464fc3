import { AUDIT_LIST_DEFAULT_LIMIT, type AuditEntry } from '@vigil/contracts';
import { AUDIT_RETENTION_MS, type AuditFilter, type AuditStore } from '../types.ts';

export interface MemoryAuditOptions {
  /** Entries older than this (by `at`, against the store's clock) are dropped (default 400 days). */
  retentionMs?: number;
  /** At most this many entries; the oldest appended go first (default 100,000, about 30 MB). */
  maxEntries?: number;
}

interface Kept {
  seq: number;
  atMs: number;
  entry: AuditEntry;
}

/**
 * The audit log in memory: append order, bounded by time and count. It does not survive a restart;
 * a deployment that must keep its audit log runs on Redis (docs/api.md "Audit log").
 */
export class MemoryAuditStore implements AuditStore {
  private readonly entries: Kept[] = [];
  private seq = 0;
  private readonly retentionMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly now: () => number = Date.now,
    opts: MemoryAuditOptions = {},
  ) {
    this.retentionMs = opts.retentionMs ?? AUDIT_RETENTION_MS;
    this.maxEntries = Math.max(1, Math.floor(opts.maxEntries ?? 100_000));
  }

  async append(entry: AuditEntry): Promise<void> {
    this.entries.push({ seq: ++this.seq, atMs: Date.parse(entry.at), entry: structuredClone(entry) });
    this.trim();
  }

  async list(f: AuditFilter = {}): Promise<AuditEntry[]> {
    const min = Math.max(f.from ?? Number.NEGATIVE_INFINITY, this.now() - this.retentionMs);
    const max = f.to ?? Number.POSITIVE_INFINITY;
    const limit = Math.max(0, Math.floor(f.limit ?? AUDIT_LIST_DEFAULT_LIMIT));
    const hits = this.entries.filter(
      ({ atMs, entry: e }) =>
        atMs >= min &&
        atMs <= max &&
        (f.facilityId === undefined || e.facilityId === f.facilityId) &&
        (f.facilityIds === undefined || f.facilityIds.includes(e.facilityId)) &&
        (f.residentId === undefined || e.residentId === f.residentId),
    );
    return hits
      .sort((a, b) => b.atMs - a.atMs || b.seq - a.seq)
      .slice(0, limit)
      .map((k) => structuredClone(k.entry));
  }

  /**
   * Count cap first, then the expired head. Entries arrive nearly in `at` order, so an expired one
   * behind a younger one may stay a little longer; `list` never shows it.
   */
  private trim() {
    const oldest = this.now() - this.retentionMs;
    let drop = Math.max(0, this.entries.length - this.maxEntries);
    while (drop < this.entries.length && (this.entries[drop]?.atMs ?? 0) < oldest) drop++;
    if (drop > 0) this.entries.splice(0, drop);
  }
}
