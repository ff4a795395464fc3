import type { DeviceCounters, IngestErrorCode } from '@vigil/contracts';
import type { Redis } from 'ioredis';
import type { CounterStore, SeqClaim, SeqStore } from '../types.ts';
import { type Keys, LuaScript } from './script.ts';

const REJECTED = 'rejected:';

/** One hash per device, `counters:<deviceId>`: accepted, duplicates, `rejected:<code>`, all HINCRBY. */
export class RedisCounterStore implements CounterStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}
  private key(deviceId: string) {
    return this.keys.keyFor('counters', deviceId);
  }
  async addAccepted(deviceId: string, n: number) {
    await this.redis.hincrby(this.key(deviceId), 'accepted', n);
  }
  async addDuplicates(deviceId: string, n: number) {
    await this.redis.hincrby(this.key(deviceId), 'duplicates', n);
  }
  async addRejected(deviceId: string, code: IngestErrorCode, n = 1) {
    await this.redis.hincrby(this.key(deviceId), `${REJECTED}${code}`, n);
  }
  async get(deviceId: string): Promise<DeviceCounters> {
    const h = await this.redis.hgetall(this.key(deviceId));
    const out: DeviceCounters = {
      accepted: Number(h.accepted ?? 0),
      duplicates: Number(h.duplicates ?? 0),
      rejected: {},
    };
    for (const [field, value] of Object.entries(h)) {
      if (field.startsWith(REJECTED)) out.rejected[field.slice(REJECTED.length) as IngestErrorCode] = Number(value);
    }
    return out;
  }
}

/**
 * Claims seqs in one script (atomic per call, `SeqStore.claim`). KEYS[1], the sorted set of every
 * remembered seq, scores each by the order it was first seen, so beyond `capacity` the oldest-seen
 * are dropped, as in memory. KEYS[2], a hash, holds the lease end (store clock, ms) of each claimed
 * seq not yet committed: a seq in the set and not in the hash is committed. ARGV: capacity, now,
 * leaseMs, then the seqs. Returns `new`, `duplicate` or `busy` per seq.
 */
const CLAIM_SEQS = new LuaScript(`
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local n = 0
if top[2] then n = tonumber(top[2]) end
local now = tonumber(ARGV[2])
local leaseEnd = string.format('%.0f', now + tonumber(ARGV[3]))
local out = {}
local inCall = {}
for i = 4, #ARGV do
  local seq = ARGV[i]
  if inCall[seq] then
    out[#out + 1] = 'duplicate'
  else
    inCall[seq] = true
    if redis.call('ZSCORE', KEYS[1], seq) then
      local pending = redis.call('HGET', KEYS[2], seq)
      if not pending then
        out[#out + 1] = 'duplicate'
      elseif tonumber(pending) > now then
        out[#out + 1] = 'busy'
      else
        redis.call('HSET', KEYS[2], seq, leaseEnd)
        out[#out + 1] = 'new'
      end
    else
      n = n + 1
      redis.call('ZADD', KEYS[1], string.format('%.0f', n), seq)
      redis.call('HSET', KEYS[2], seq, leaseEnd)
      out[#out + 1] = 'new'
    end
  end
end
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[1])
if excess > 0 then
  for _, old in ipairs(redis.call('ZRANGE', KEYS[1], 0, excess - 1)) do redis.call('HDEL', KEYS[2], old) end
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
end
return out
`);

/** Forgets uncommitted claims (never a committed seq). KEYS: the set, the claims hash; ARGV: seqs. */
const RELEASE_SEQS = new LuaScript(`
for i = 1, #ARGV do
  if redis.call('HDEL', KEYS[2], ARGV[i]) == 1 then redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return 0
`);

/**
 * Recently seen seqs per (device, channel), `seqs:<deviceId>:<channel>`, and their open claims,
 * `seqclaims:<deviceId>:<channel>` (contract §1.1 dedup, two-phase: see `SeqStore`). Lease ends are
 * on the injected clock, so every process must share a clock (NTP): skew shortens or lengthens a
 * lease by as much, which the 10 s ingest lease absorbs.
 */
export class RedisSeqStore implements SeqStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly now: () => number = Date.now,
    private readonly capacity = 20_000,
  ) {}
  private keysOf(deviceId: string, channel: string): [string, string] {
    return [this.keys.keyFor('seqs', deviceId, channel), this.keys.keyFor('seqclaims', deviceId, channel)];
  }
  async claim(deviceId: string, channel: string, seqs: readonly number[], leaseMs: number): Promise<SeqClaim[]> {
    if (seqs.length === 0) return [];
    const raw = await CLAIM_SEQS.run(this.redis, this.keysOf(deviceId, channel), [
      this.capacity,
      this.now(),
      leaseMs,
      ...seqs.map(String),
    ]);
    return raw as SeqClaim[];
  }
  async commit(deviceId: string, channel: string, seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.redis.hdel(this.keysOf(deviceId, channel)[1], ...seqs.map(String));
  }
  async release(deviceId: string, channel: string, seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    await RELEASE_SEQS.run(this.redis, this.keysOf(deviceId, channel), seqs.map(String));
  }
}
