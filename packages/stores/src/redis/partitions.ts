import type { PartitionCheckpoint, PartitionCheckpointStore, PartitionLeaseStore } from '../types.ts';
import { partitionKeys } from './key-layout.ts';
import { type Keys, LuaScript, type RedisClient } from './script.ts';
import { DEPLOYMENT_SCOPE, type Sealer } from './sealer.ts';

/** KEYS: lease, epoch; ARGV: engine, ttl. Sets the lease if free and returns the new epoch, else 0. */
const ACQUIRE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local epoch = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. epoch, 'PX', ARGV[2])
return epoch
`);

/**
 * KEYS: lease, epoch; ARGV: engine|epoch, ttl, epoch. Extends the lease; one that ran out while its
 * holder was slow (a busy event loop) is taken back if nobody acquired the partition since (the epoch
 * is still the holder's): only a newer owner ends an ownership, never a late renewal.
 */
const RENEW = new LuaScript(`
local held = redis.call('GET', KEYS[1])
if held == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not held and redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`);

/** KEYS: lease; ARGV: engine|epoch. */
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);

/** KEYS: checkpoint, epoch; ARGV: epoch, body. Refused when a newer epoch was handed out. */
const SAVE = new LuaScript(`
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[1]) < current then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`);

/** Partition keys carry the partition as hash tag (`{p12}`): one Redis Cluster slot per partition. */
const partitionKey = (keys: Keys, partition: number, name: 'lease' | 'epoch' | 'checkpoint') =>
  partitionKeys(keys, partition)[name];

/**
 * Leases on Redis (issue 12): `SET NX PX` with the holder and its epoch as value, the epoch from an
 * `INCR` per acquisition (the fencing token), renewed and released only by their holder. Engines
 * announce themselves in a sorted set scored by when their heartbeat runs out.
 */
export class RedisPartitionLeaseStore implements PartitionLeaseStore {
  private readonly engines: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {
    this.engines = keys.key('engines');
  }

  async heartbeat(engineId: string, ttlMs: number): Promise<string[]> {
    const now = Date.now();
    const [, , alive] = (await this.redis
      .multi()
      .zadd(this.engines, now + ttlMs, engineId)
      .zremrangebyscore(this.engines, '-inf', now)
      .zrange(this.engines, 0, -1)
      .exec()) as [unknown, unknown, [Error | null, string[]]];
    return [...alive[1]].sort();
  }

  async leave(engineId: string): Promise<void> {
    await this.redis.zrem(this.engines, engineId);
  }

  async acquire(partition: number, engineId: string, ttlMs: number): Promise<number | undefined> {
    const epoch = Number(
      await ACQUIRE.run(
        this.redis,
        [partitionKey(this.keys, partition, 'lease'), partitionKey(this.keys, partition, 'epoch')],
        [engineId, ttlMs],
      ),
    );
    return epoch > 0 ? epoch : undefined;
  }

  async renew(partition: number, engineId: string, epoch: number, ttlMs: number): Promise<boolean> {
    const ok = await RENEW.run(
      this.redis,
      [partitionKey(this.keys, partition, 'lease'), partitionKey(this.keys, partition, 'epoch')],
      [`${engineId}|${epoch}`, ttlMs, epoch],
    );
    return Number(ok) === 1;
  }

  async release(partition: number, engineId: string, epoch: number): Promise<void> {
    await RELEASE.run(this.redis, [partitionKey(this.keys, partition, 'lease')], [`${engineId}|${epoch}`]);
  }
}

/**
 * Checkpoints on Redis: rule memory is health data, so the body is sealed (deployment scope: a
 * partition holds residents of every facility). A save is refused once a newer epoch was handed out.
 */
export class RedisPartitionCheckpointStore implements PartitionCheckpointStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly sealer?: Sealer,
  ) {}

  async load(partition: number): Promise<PartitionCheckpoint | undefined> {
    const raw = await this.redis.get(partitionKey(this.keys, partition, 'checkpoint'));
    if (raw === null) return undefined;
    return this.sealer
      ? this.sealer.open<PartitionCheckpoint>(ctx(partition), raw)
      : (JSON.parse(raw) as PartitionCheckpoint);
  }

  async save(partition: number, checkpoint: PartitionCheckpoint): Promise<boolean> {
    const body = this.sealer
      ? await this.sealer.seal(DEPLOYMENT_SCOPE, ctx(partition), checkpoint)
      : JSON.stringify(checkpoint);
    const ok = await SAVE.run(
      this.redis,
      [partitionKey(this.keys, partition, 'checkpoint'), partitionKey(this.keys, partition, 'epoch')],
      [checkpoint.epoch, body],
    );
    return Number(ok) === 1;
  }
}

const ctx = (partition: number) => ({ kind: 'checkpoint', id: String(partition), field: 'state' });
