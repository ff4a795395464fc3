import type { CarePlan, Consent, Facility, Resident } from '@vigil/contracts';
import { ConflictError, type FacilityStore, type ResidentStore, type UserRecord, type UserStore } from '../types.ts';
import { OrderedCollection } from './collection.ts';
import type { InvalidationBus } from './invalidation-bus.ts';
import { userKeys } from './key-layout.ts';
import { type Keys, LuaScript, toJson, type RedisClient } from './script.ts';
import type { Sealer } from './sealer.ts';
import { SnapshotCache, type SnapshotCacheOptions } from './snapshot-cache.ts';

export class RedisFacilityStore implements FacilityStore {
  private readonly c: OrderedCollection<Facility>;
  constructor(redis: RedisClient, keys: Keys) {
    this.c = new OrderedCollection(redis, keys, 'facilities');
  }
  async put(f: Facility) {
    await this.c.put(f.id, f);
  }
  async get(id: string) {
    return this.c.get(id);
  }
  async list() {
    return this.c.list();
  }
}

/**
 * Username uniqueness is checked and taken in the same script as the write, so two processes creating
 * the same username at once cannot both succeed (the `ConflictError` contract of `UserStore.put`).
 * KEYS: bodies, order, order counter, lower-case username → id, id → lower-case username.
 */
const PUT_USER = new LuaScript(`
local owner = redis.call('HGET', KEYS[4], ARGV[2])
if owner and owner ~= ARGV[1] then return 0 end
local previous = redis.call('HGET', KEYS[5], ARGV[1])
if previous and previous ~= ARGV[2] then redis.call('HDEL', KEYS[4], previous) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[2])
return 1
`);

export class RedisUserStore implements UserStore {
  private readonly c: OrderedCollection<UserRecord>;
  private readonly byUsername: string;
  private readonly usernameOf: string;
  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
  ) {
    this.c = new OrderedCollection(redis, keys, 'users');
    ({ byUsername: this.byUsername, usernameOf: this.usernameOf } = userKeys(keys));
  }
  async put(u: UserRecord) {
    // Lower-cased here, not in Lua: Lua's string.lower only knows ASCII.
    const ok = await PUT_USER.run(
      this.redis,
      [this.c.bodies, this.c.order, this.c.counter, this.byUsername, this.usernameOf],
      [u.id, u.username.toLowerCase(), toJson(u)],
    );
    if (ok !== 1) throw new ConflictError(`username ${u.username} is taken`);
  }
  async get(id: string) {
    return this.c.get(id);
  }
  async getByUsername(username: string) {
    return this.c.getIndirect(this.byUsername, username.toLowerCase());
  }
  async list(filter: { facilityId?: string } = {}) {
    const all = await this.c.list();
    const { facilityId } = filter;
    return facilityId ? all.filter((u) => u.facilityIds.includes(facilityId)) : all;
  }
  async count() {
    return this.c.count();
  }
}

/**
 * With encryption on, the whole body (care plan, conditions, consent) is sealed with the facility's DEK.
 * `snapshot` (the rules read it for every sample) comes from a process-local cache of opened bodies
 * (snapshot-cache.ts), which every change here or in another process invalidates (invalidation-bus.ts).
 */
export class RedisResidentStore implements ResidentStore {
  private readonly c: OrderedCollection<Resident>;
  private readonly cache: SnapshotCache<Resident>;
  constructor(
    redis: RedisClient,
    keys: Keys,
    private readonly bus: InvalidationBus,
    private readonly sealer?: Sealer,
    cache?: SnapshotCacheOptions,
  ) {
    this.c = new OrderedCollection(
      redis,
      keys,
      'residents',
      sealer?.enabled ? { sealer, kind: 'resident', scopeOf: (r) => r.facilityId } : undefined,
    );
    this.cache = new SnapshotCache(() => bus.live(), cache);
    bus.onInvalidate('resident', (id) => this.cache.invalidate(id));
    bus.onReset(() => this.cache.clear());
  }
  async put(r: Resident) {
    // Before the body: the resident's vitals are sealed with this facility's DEK from now on.
    await this.sealer?.rememberResident(r.id, r.facilityId);
    await this.c.put(r.id, r);
    await this.changed(r.id);
  }
  async get(id: string) {
    return this.c.get(id);
  }
  snapshot(id: string): Promise<Readonly<Resident> | undefined> {
    return this.cache.get(id, () => this.get(id));
  }
  async list(filter: { facilityId?: string } = {}) {
    const all = await this.c.list();
    return filter.facilityId ? all.filter((r) => r.facilityId === filter.facilityId) : all;
  }
  // Both partial updates are compare-and-set on the whole body, so a consent withdrawal and a care plan
  // change racing in two processes both land (ResidentStore.setCarePlan).
  async setConsent(id: string, consent: Consent) {
    if ((await this.c.update(id, (r) => ({ ...r, consent }))) !== undefined) await this.changed(id);
  }
  async setCarePlan(id: string, carePlan: CarePlan) {
    const next = await this.c.update(id, (r) => ({
      ...r,
      carePlan,
      carePlanVersion: (r.carePlanVersion ?? 1) + 1,
    }));
    if (next !== undefined) await this.changed(id);
    return next;
  }

  /** After a committed change (so no read re-caches the old body): this cache, then every other process's. */
  private async changed(id: string): Promise<void> {
    this.cache.invalidate(id);
    await this.bus.publish('resident', id);
  }
}
