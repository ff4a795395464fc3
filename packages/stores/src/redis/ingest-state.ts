import type { DeviceCounters, IngestErrorCode } from '@vigil/contracts';
import type { Redis } from 'ioredis';
import type { CounterStore, SeqStore } from '../types.ts';
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
 * Claims seqs in one script (atomic per call, `SeqStore.claim`). The sorted set scores each seq by
 * the order it was first seen, so beyond `capacity` the oldest-seen are dropped, as in memory.
 * KEYS: the (device, channel) set; ARGV: capacity, then the seqs. Returns 1 (new) or 0 per seq.
 */
const CLAIM_SEQS = new LuaScript(`
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local n = 0
if top[2] then n = tonumber(top[2]) end
local out = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    out[#out + 1] = 0
  else
    n = n + 1
    redis.call('ZADD', KEYS[1], string.format('%.0f', n), ARGV[i])
    out[#out + 1] = 1
  end
end
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[1])
if excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1) end
return out
`);

/** Recently seen seqs per (device, channel), `seqs:<deviceId>:<channel>` (contract §1.1 dedup). */
export class RedisSeqStore implements SeqStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly capacity = 20_000,
  ) {}
  async claim(deviceId: string, channel: string, seqs: readonly number[]): Promise<boolean[]> {
    if (seqs.length === 0) return [];
    const key = this.keys.keyFor('seqs', deviceId, channel);
    const raw = (await CLAIM_SEQS.run(this.redis, [key], [this.capacity, ...seqs.map(String)])) as number[];
    return raw.map((x) => x === 1);
  }
}
