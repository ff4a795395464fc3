import { AUDIT_LIST_DEFAULT_LIMIT, type AuditEntry } from '@vigil/contracts';
import { AUDIT_RETENTION_MS, type AuditFilter, type AuditStore } from '../types.ts';
import { auditFacilitiesKey, auditKeys } from './key-layout.ts';
import { type Keys, LuaScript, type RedisClient } from './script.ts';

export interface RedisAuditOptions {
  /** Entries older than this (by `at`, against the store's clock) are trimmed (default 400 days). */
  retentionMs?: number;
}

/** Width of the append sequence that prefixes every member: ties of one millisecond sort by it. */
const SEQ_DIGITS = 16;

/*
 * The audit log (contract §4.2), append-only, a facility's keys under one hash tag (Redis Cluster):
 *   {f:<facility>}:audit               sorted set, score `at` (epoch ms), member <seq><entry JSON>
 *   {f:<facility>}:audit:r:<resident>  the same entries of one resident (`?residentId` reads only these)
 *   {f:<facility>}:audit:n             the facility's append sequence (makes members unique, orders ties)
 *   audit:facilities                   facility ids with entries (an admin's read of every facility)
 * A sorted set rather than a Stream: entries are ordered and ranged by their own `at`, which several
 * gateways produce slightly out of order; a Stream's ids must only grow.
 */

/**
 * Adds the entry to both sets, trims what is older than the retention and sets each key to expire
 * a retention after its newest append, so the set of a resident nobody reads again goes too.
 * KEYS: facility set, resident set, sequence; ARGV: at, entry JSON, oldest kept, ttl ms.
 */
const APPEND = new LuaScript(`
local seq = redis.call('INCR', KEYS[3])
local member = string.format('%0${SEQ_DIGITS}d', seq) .. ARGV[2]
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], ARGV[1], member)
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[i], ARGV[4])
end
return seq
`);

interface Kept {
  seq: number;
  atMs: number;
  entry: AuditEntry;
}

const score = (ms: number) => (ms === Number.POSITIVE_INFINITY ? '+inf' : String(ms));

/** The audit log on Redis; retention by time only (the sets hold ~300 bytes an entry). */
export class RedisAuditStore implements AuditStore {
  private readonly facilitiesKey: string;
  private readonly retentionMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly now: () => number = Date.now,
    opts: RedisAuditOptions = {},
  ) {
    this.facilitiesKey = auditFacilitiesKey(keys);
    this.retentionMs = opts.retentionMs ?? AUDIT_RETENTION_MS;
  }

  private facilityKey(facilityId: string) {
    return auditKeys(this.keys, facilityId).entries;
  }

  private residentKey(facilityId: string, residentId: string) {
    return auditKeys(this.keys, facilityId).ofResident(residentId);
  }

  async append(entry: AuditEntry): Promise<void> {
    const k = auditKeys(this.keys, entry.facilityId);
    // Named before the entry is written: a failure in between leaves a facility listed with nothing
    // new, never an entry an admin's read of every facility cannot find. (Another slot than the
    // facility's keys, so not inside the script.)
    await this.redis.sadd(this.facilitiesKey, entry.facilityId);
    await APPEND.run(
      this.redis,
      [k.entries, k.ofResident(entry.residentId), k.sequence],
      [
        String(Date.parse(entry.at)),
        JSON.stringify(entry),
        String(this.now() - this.retentionMs),
        String(Math.max(1, Math.ceil(this.retentionMs))),
      ],
    );
  }

  async list(f: AuditFilter = {}): Promise<AuditEntry[]> {
    const limit = Math.max(0, Math.floor(f.limit ?? AUDIT_LIST_DEFAULT_LIMIT));
    let facilities = f.facilityIds === undefined ? undefined : new Set(f.facilityIds);
    if (f.facilityId !== undefined) {
      facilities = new Set(facilities === undefined || facilities.has(f.facilityId) ? [f.facilityId] : []);
    }
    facilities ??= new Set(await this.redis.smembers(this.facilitiesKey));
    if (limit === 0 || facilities.size === 0) return [];

    // Expired entries not trimmed yet (no append since) are never shown.
    const min = String(Math.max(f.from ?? Number.NEGATIVE_INFINITY, this.now() - this.retentionMs));
    const max = score(f.to ?? Number.POSITIVE_INFINITY);
    const { residentId } = f;
    // The newest `limit` of each facility, then the newest `limit` of them all.
    const pages = await Promise.all(
      [...facilities].map((id) =>
        this.redis.zrevrangebyscore(
          residentId === undefined ? this.facilityKey(id) : this.residentKey(id, residentId),
          max,
          min,
          'LIMIT',
          0,
          limit,
        ),
      ),
    );
    const kept: Kept[] = pages.flat().map((member) => {
      const entry = JSON.parse(member.slice(SEQ_DIGITS)) as AuditEntry;
      return { seq: Number(member.slice(0, SEQ_DIGITS)), atMs: Date.parse(entry.at), entry };
    });
    return kept
      .sort((a, b) => b.atMs - a.atMs || b.seq - a.seq)
      .slice(0, limit)
      .map((k) => k.entry);
  }
}
