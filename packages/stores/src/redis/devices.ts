import type { DeviceRecord, DeviceStore } from '../types.ts';
import { OrderedCollection } from './collection.ts';
import type { InvalidationBus } from './invalidation-bus.ts';
import { deviceKeys } from './key-layout.ts';
import { LIVE_FIELDS, type LiveField, LiveFieldBuffer, type LivePatch, withPatch } from './live-field-buffer.ts';
import { type Keys, LuaScript, toJson, type RedisClient } from './script.ts';
import { SnapshotCache, type SnapshotCacheOptions } from './snapshot-cache.ts';
import { WriteBehind } from './write-behind.ts';

/** JSON `null` marks a live field the patch set to undefined (removed, as `Object.assign` does). */
const REMOVED = 'null';
const liveField = (id: string, f: LiveField) => `${id}|${f}`;

/** A put replaces the record, so it also drops the live fields earlier touches left. */
const PUT_DEVICE = new LuaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
for i = 3, #ARGV do redis.call('HDEL', KEYS[4], ARGV[i]) end
return 1
`);

/**
 * Patches the live fields of known devices only (`DeviceStore.touch`: no-op for an unknown id), any
 * number of devices in one call (a write-out of the buffer). KEYS: bodies, live; ARGV: per device its
 * id, the number of fields n, then n live-field names and values.
 */
const WRITE_LIVE = new LuaScript(`
local i = 1
while i <= #ARGV do
  local n = tonumber(ARGV[i + 1])
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 and n > 0 then
    redis.call('HSET', KEYS[2], unpack(ARGV, i + 2, i + 1 + 2 * n))
  end
  i = i + 2 + 2 * n
end
return 1
`);

/** KEYS: bodies, live; ARGV: id, its live field names. Returns the body, then each live field. */
const GET_DEVICE = new LuaScript(`
local body = redis.call('HGET', KEYS[1], ARGV[1])
if not body then return false end
local out = { body }
for i = 2, #ARGV do out[#out + 1] = redis.call('HGET', KEYS[2], ARGV[i]) end
return out
`);

/** Every device in insertion order, as groups of body and the live fields named by ARGV (suffixes). */
const LIST_DEVICES = new LuaScript(`
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    out[#out + 1] = body
    for i = 1, #ARGV do out[#out + 1] = redis.call('HGET', KEYS[3], id .. '|' .. ARGV[i]) end
  end
end
return out
`);

/** The arguments of one device in WRITE_LIVE. */
function liveArgs(id: string, patch: LivePatch): string[] {
  const pairs: string[] = [];
  for (const f of LIVE_FIELDS) {
    if (!Object.hasOwn(patch, f)) continue;
    const v = patch[f];
    pairs.push(liveField(id, f), v === undefined ? REMOVED : toJson(v));
  }
  return [id, String(pairs.length / 2), ...pairs];
}

export interface RedisDeviceStoreOptions {
  cache?: SnapshotCacheOptions;
  /** How often buffered live fields are written out (default 1000 ms); 0 writes every touch through. */
  flushMs?: number;
  /** Failures of timed write-outs (tried again). */
  onError: (err: unknown) => void;
}

/**
 * Devices: the record as put, plus its live fields (state, lastSeenAt, battery, learned intervals) in one
 * hash `{devices}:live` beside it, so a touch is no read-modify-write of the JSON body.
 *
 * Per message (issue 12), no round trip: `snapshot` comes from a process-local cache (snapshot-cache.ts,
 * kept true across processes by the invalidation bus), and `touch` changes the cache and a buffer that
 * is written out every `flushMs` in one script call. A change of `state` (online, offline,
 * decommissioned) is written through at once and announced, so admission everywhere stops taking a
 * decommissioned device's messages. What this process buffered is part of what its `get` and `list`
 * return. The buffer goes out on `flush()` (before each partition checkpoint) and `close()`.
 */
export class RedisDeviceStore implements DeviceStore {
  private readonly c: OrderedCollection<DeviceRecord>;
  private readonly live: string;
  private readonly cache: SnapshotCache<DeviceRecord>;
  private readonly buffer = new LiveFieldBuffer();
  private readonly writeBehind: WriteBehind;
  private readonly flushMs: number;

  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    private readonly bus: InvalidationBus,
    opts: RedisDeviceStoreOptions,
  ) {
    this.c = new OrderedCollection(redis, keys, 'devices');
    this.live = deviceKeys(keys).live;
    this.cache = new SnapshotCache(() => bus.live(), opts.cache);
    bus.onInvalidate('device', (id) => this.cache.invalidate(id));
    bus.onReset(() => this.cache.clear());
    this.flushMs = opts.flushMs ?? 1000;
    this.writeBehind = new WriteBehind(this.flushMs, () => this.writeOut(), opts.onError);
  }

  private static merge(body: string, live: readonly (string | null)[]): DeviceRecord {
    const d = JSON.parse(body) as DeviceRecord;
    LIVE_FIELDS.forEach((f, i) => {
      const raw = live[i];
      if (raw === null || raw === undefined) return;
      const v = JSON.parse(raw) as DeviceRecord[LiveField] | null;
      if (v === null) delete d[f];
      else Object.assign(d, { [f]: v });
    });
    return d;
  }

  /** The record from Redis with what this process has not written out yet. */
  private withBuffered(d: DeviceRecord): DeviceRecord {
    const overlay = this.buffer.overlay(d.id);
    return overlay ? withPatch(d, overlay) : d;
  }

  async put(d: DeviceRecord) {
    this.buffer.drop(d.id);
    await PUT_DEVICE.run(
      this.redis,
      [this.c.bodies, this.c.order, this.c.counter, this.live],
      [d.id, toJson(d), ...LIVE_FIELDS.map((f) => liveField(d.id, f))],
    );
    await this.changed(d.id);
  }

  async get(id: string) {
    const raw = (await GET_DEVICE.run(
      this.redis,
      [this.c.bodies, this.live],
      [id, ...LIVE_FIELDS.map((f) => liveField(id, f))],
    )) as (string | null)[] | null;
    if (!raw?.[0]) return undefined;
    return this.withBuffered(RedisDeviceStore.merge(raw[0], raw.slice(1)));
  }

  snapshot(id: string): Promise<Readonly<DeviceRecord> | undefined> {
    return this.cache.get(id, () => this.get(id));
  }

  async list(filter: { facilityId?: string; residentId?: string } = {}) {
    const raw = (await LIST_DEVICES.run(this.redis, [this.c.order, this.c.bodies, this.live], [...LIVE_FIELDS])) as (
      | string
      | null
    )[];
    const out: DeviceRecord[] = [];
    const group = LIVE_FIELDS.length + 1;
    for (let i = 0; i < raw.length; i += group) {
      const body = raw[i];
      if (!body) continue;
      const d = this.withBuffered(RedisDeviceStore.merge(body, raw.slice(i + 1, i + group)));
      if (filter.facilityId !== undefined && d.facilityId !== filter.facilityId) continue;
      if (filter.residentId !== undefined && d.residentId !== filter.residentId) continue;
      out.push(d);
    }
    return out;
  }

  async touch(id: string, patch: LivePatch) {
    if (!LIVE_FIELDS.some((f) => Object.hasOwn(patch, f))) return;
    if (Object.hasOwn(patch, 'state') || this.flushMs <= 0) {
      // Written through with whatever of this device was still buffered (older, so under the patch).
      const all = { ...this.buffer.take(id), ...patch };
      await WRITE_LIVE.run(this.redis, [this.c.bodies, this.live], liveArgs(id, all));
      await this.changed(id);
      return;
    }
    this.buffer.add(id, patch);
    this.cache.update(id, (d) => withPatch(d, patch));
    this.writeBehind.schedule();
  }

  /**
   * A compare-and-set of the body (the CAS script of `OrderedCollection.update`): the live fields sit
   * in `{devices}:live` and are not part of it, so a touch racing this never loses its write, and a put
   * (re-provisioning) racing it wins.
   */
  async setSecretHash(id: string, expected: string, secretHash: string) {
    const changed = await this.c.update(id, (d) => (d.secretHash === expected ? { ...d, secretHash } : undefined));
    if (changed !== undefined) await this.changed(id);
    return changed !== undefined;
  }

  /**
   * This engine took over partitions: their devices' live fields were written by the previous owner,
   * so every snapshot is read again.
   */
  forgetCached(): void {
    this.cache.clear();
  }

  /** Writes out the buffered live fields. */
  flush(): Promise<void> {
    return this.writeBehind.flush();
  }

  /** Devices with live fields not written out yet. */
  get buffered(): number {
    return this.buffer.size;
  }

  /** Stops the timed write-outs and writes out what is left (unless `discard`). */
  close(discard = false): Promise<void> {
    return this.writeBehind.close(discard);
  }

  /** After a committed change: this cache forgets the device (after the write, so no read re-caches the old one), then every other process's. */
  private async changed(id: string): Promise<void> {
    this.cache.invalidate(id);
    await this.bus.publish('device', id);
  }

  private async writeOut(): Promise<void> {
    const batch = this.buffer.begin();
    if (batch.size === 0) return;
    const args: string[] = [];
    for (const [id, patch] of batch) args.push(...liveArgs(id, patch));
    try {
      await WRITE_LIVE.run(this.redis, [this.c.bodies, this.live], args);
      this.buffer.end(batch, true);
    } catch (err) {
      this.buffer.end(batch, false);
      throw err;
    }
  }
}
