import {
  AUDIT_GENESIS_HASH,
  AUDIT_LIST_DEFAULT_LIMIT,
  type AuditEntry,
  type AuditVerification,
} from '@vigil/contracts';
import { chainAuditEntry, verifyAuditChain } from '../audit-chain.ts';
import { AUDIT_RETENTION_MS, type AuditFilter, type AuditStore } from '../types.ts';

export interface MemoryAuditOptions {
  /** Entries older than this (by `at`, against the store's clock) are dropped (default 400 days). */
  retentionMs?: number;
  /** At most this many entries; the oldest appended go first (default 100,000, about 30 MB). */
  maxEntries?: number;
}

interface Kept {
  seq: number;
  /** Position in the facility's chain, from 1. */
  chainSeq: number;
  atMs: number;
  entry: AuditEntry;
}

/** A facility's chain: its newest entry and the last one trimmed. */
interface Chain {
  seq: number;
  head: string;
  trimmedThrough: number;
}

/**
 * The audit log in memory: append order, bounded by time and count. It does not survive a restart;
 * a deployment that must keep its audit log runs on Redis (docs/api.md "Audit log").
 */
export class MemoryAuditStore implements AuditStore {
  private readonly entries: Kept[] = [];
  private seq = 0;
  private readonly chains = new Map<string, Chain>();
  private readonly retentionMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly now: () => number = Date.now,
    opts: MemoryAuditOptions = {},
  ) {
    this.retentionMs = opts.retentionMs ?? AUDIT_RETENTION_MS;
    this.maxEntries = Math.max(1, Math.floor(opts.maxEntries ?? 100_000));
  }

  async append(entry: AuditEntry): Promise<AuditEntry> {
    // Already past the retention: not kept, and not chained (it would be trimmed at once).
    if (Date.parse(entry.at) < this.now() - this.retentionMs) return { ...entry };
    // Synchronous from reading the head to storing the entry: appends never interleave.
    const chain = this.chains.get(entry.facilityId) ?? { seq: 0, head: AUDIT_GENESIS_HASH, trimmedThrough: 0 };
    // A copy (every field a string, so the spread in chainAuditEntry copies it whole).
    const chained = chainAuditEntry(chain.head, entry);
    chain.seq++;
    chain.head = chained.hash;
    this.chains.set(entry.facilityId, chain);
    this.entries.push({ seq: ++this.seq, chainSeq: chain.seq, atMs: Date.parse(entry.at), entry: chained });
    this.trim();
    return { ...chained };
  }

  async verify(facilityId: string): Promise<AuditVerification> {
    const chain = this.chains.get(facilityId);
    const stored = this.entries
      .filter((k) => k.entry.facilityId === facilityId)
      .map((k) => ({ seq: k.chainSeq, entry: k.entry, id: k.entry.id }));
    return verifyAuditChain(facilityId, stored, {
      from: chain && 1,
      head: chain && { seq: chain.seq, hash: chain.head },
      trimmedThrough: chain?.trimmedThrough ?? 0,
    });
  }

  async facilities(): Promise<string[]> {
    return [...this.chains.keys()].sort();
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
    if (drop === 0) return;
    // Dropped in append order, so each facility's chain loses only its oldest entries.
    for (const k of this.entries.slice(0, drop)) {
      const chain = this.chains.get(k.entry.facilityId);
      if (chain) chain.trimmedThrough = Math.max(chain.trimmedThrough, k.chainSeq);
    }
    this.entries.splice(0, drop);
  }
}
