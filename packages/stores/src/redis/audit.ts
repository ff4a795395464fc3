import {
  AUDIT_GENESIS_HASH,
  AUDIT_LIST_DEFAULT_LIMIT,
  type AuditEntry,
  type AuditVerification,
} from '@vigil/contracts';
import { chainAuditEntry, type StoredAuditEntry, verifyAuditChain } from '../audit-chain.ts';
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
 *   {f:<facility>}:audit:chain         hash: the chain's `head` hash and its `seq`, `from` (sequence of
 *                                      the first chained entry) and `trimmed` (highest sequence trimmed)
 *   audit:facilities                   facility ids with entries (an admin's read of every facility)
 * A sorted set rather than a Stream: entries are ordered and ranged by their own `at`, which several
 * gateways produce slightly out of order; a Stream's ids must only grow.
 */

/**
 * Appends the entry if the facility's chain head is still the `prevHash` it was hashed against
 * (compare-and-set: Redis scripts have no SHA-256, so the hash is computed by the caller), else
 * answers the head so the caller hashes again. Then as before: adds it to the facility's set (and the
 * resident's), trims what is older than the retention, noting the highest sequence trimmed (the
 * verifier's anchor), and sets each key to expire a retention after its newest append.
 * KEYS: sequence, chain record, facility set[, resident set];
 * ARGV: at, prevHash, entry JSON, its hash, oldest kept, ttl ms, genesis hash.
 * Answers {1, seq} when appended, {0, head} when the head moved, {2} when the entry is already past
 * the retention (not kept, not chained: trimmed at once, it would raise the trimmed mark above entries
 * still kept).
 */
const APPEND = new LuaScript(`
if tonumber(ARGV[1]) < tonumber(ARGV[5]) then return {2} end
local head = redis.call('HGET', KEYS[2], 'head') or ARGV[7]
if head ~= ARGV[2] then return {0, head} end
local seq = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], 'head', ARGV[4], 'seq', seq)
redis.call('HSETNX', KEYS[2], 'from', seq)
redis.call('PEXPIRE', KEYS[2], ARGV[6])
local member = string.format('%0${SEQ_DIGITS}d', seq) .. ARGV[3]
for i = 3, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[1], member)
  if i == 3 then
    local old = redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[5])
    if #old > 0 then
      local top = tonumber(redis.call('HGET', KEYS[2], 'trimmed') or '0')
      for _, m in ipairs(old) do
        local s = tonumber(string.sub(m, 1, ${SEQ_DIGITS}))
        if s > top then top = s end
      end
      redis.call('HSET', KEYS[2], 'trimmed', top)
    end
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[5])
  redis.call('PEXPIRE', KEYS[i], ARGV[6])
end
return {1, seq}
`);

/**
 * Tries per append before giving up: each failed try means another process appended in between, so
 * the chain always advances; only a facility appended to by very many processes at once comes near.
 */
const MAX_APPEND_TRIES = 100;

/** Members read per ZSCAN step while verifying. */
const SCAN_COUNT = 1000;

interface Kept {
  seq: number;
  atMs: number;
  entry: AuditEntry;
}

/** A member as stored: its sequence, and its entry if it parses as one. */
function parseMember(member: string): StoredAuditEntry {
  const seq = Number(member.slice(0, SEQ_DIGITS));
  try {
    const entry = JSON.parse(member.slice(SEQ_DIGITS)) as AuditEntry;
    if (typeof entry === 'object' && entry !== null && typeof entry.id === 'string')
      return { seq, entry, id: entry.id };
  } catch {
    // Not JSON: reported as unreadable below.
  }
  return { seq, entry: undefined, id: `#${seq}` };
}

const score = (ms: number) => (ms === Number.POSITIVE_INFINITY ? '+inf' : String(ms));

/** The audit log on Redis; retention by time only (the sets hold ~300 bytes an entry). */
export class RedisAuditStore implements AuditStore {
  private readonly facilitiesKey: string;
  private readonly retentionMs: number;
  /** Per facility: the last head this process saw (a hint: the script checks it). */
  private readonly heads = new Map<string, string>();
  /**
   * Per facility: this process's appends, one after another. Concurrent ones would hash against the
   * same head and all but one retry; across processes the script's check keeps the chain right.
   */
  private readonly queues = new Map<string, Promise<unknown>>();

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

  async append(entry: AuditEntry): Promise<AuditEntry> {
    const { facilityId } = entry;
    const queued = this.queues.get(facilityId) ?? Promise.resolve();
    const appended = queued.then(
      () => this.appendNow(entry),
      () => this.appendNow(entry),
    );
    const tail = appended.catch(() => undefined);
    this.queues.set(facilityId, tail);
    void tail.then(() => {
      if (this.queues.get(facilityId) === tail) this.queues.delete(facilityId);
    });
    return appended;
  }

  private async appendNow(entry: AuditEntry): Promise<AuditEntry> {
    const k = auditKeys(this.keys, entry.facilityId);
    // Named before the entry is written: a failure in between leaves a facility listed with nothing
    // new, never an entry an admin's read of every facility cannot find. (Another slot than the
    // facility's keys, so not inside the script.)
    await this.redis.sadd(this.facilitiesKey, entry.facilityId);
    const keys = [
      k.sequence,
      k.chain,
      k.entries,
      ...(entry.residentId === undefined ? [] : [k.ofResident(entry.residentId)]),
    ];
    let prevHash = this.heads.get(entry.facilityId) ?? AUDIT_GENESIS_HASH;
    for (let tries = 1; ; tries++) {
      const chained = chainAuditEntry(prevHash, entry);
      const [appended, headOrSeq] = (await APPEND.run(this.redis, keys, [
        String(Date.parse(entry.at)),
        prevHash,
        JSON.stringify(chained),
        chained.hash,
        String(this.now() - this.retentionMs),
        String(Math.max(1, Math.ceil(this.retentionMs))),
        AUDIT_GENESIS_HASH,
      ])) as [number, string | number];
      if (appended === 2) return { ...entry };
      if (appended === 1) {
        this.heads.set(entry.facilityId, chained.hash);
        return chained;
      }
      prevHash = String(headOrSeq);
      this.heads.set(entry.facilityId, prevHash);
      if (tries >= MAX_APPEND_TRIES) {
        throw new Error(`audit append for ${entry.facilityId}: the chain head moved on each of ${tries} tries`);
      }
    }
  }

  /**
   * Reads the chain's record, every member of the facility's set (ZSCAN: members present throughout
   * are all seen, whatever is appended or trimmed meanwhile), then the trimmed-through mark again
   * (trims during the scan only raise it), and checks them with `verifyAuditChain`.
   */
  async verify(facilityId: string): Promise<AuditVerification> {
    const k = auditKeys(this.keys, facilityId);
    const record = await this.redis.hgetall(k.chain);
    const bySeq = new Map<number, StoredAuditEntry>();
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.zscan(k.entries, cursor, 'COUNT', SCAN_COUNT);
      cursor = next;
      for (let i = 0; i < flat.length; i += 2) {
        const stored = parseMember(flat[i] as string);
        bySeq.set(stored.seq, stored);
      }
    } while (cursor !== '0');
    const trimmed = await this.redis.hget(k.chain, 'trimmed');
    const head =
      record.head !== undefined && record.seq !== undefined
        ? { seq: Number(record.seq), hash: record.head }
        : undefined;
    return verifyAuditChain(facilityId, [...bySeq.values()], {
      from: record.from === undefined ? undefined : Number(record.from),
      head,
      trimmedThrough: Number(trimmed ?? record.trimmed ?? 0),
    });
  }

  async facilities(): Promise<string[]> {
    return (await this.redis.smembers(this.facilitiesKey)).sort();
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
