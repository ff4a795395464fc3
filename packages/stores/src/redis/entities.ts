import type { CarePlan, Consent, Facility, Resident } from '@vigil/contracts';
import {
  ConflictError,
  type DeviceRecord,
  type DeviceStore,
  type FacilityStore,
  type ResidentStore,
  type UserRecord,
  type UserStore,
} from '../types.ts';
import { OrderedCollection } from './collection.ts';
import { deviceKeys, userKeys } from './key-layout.ts';
import { type Keys, LuaScript, toJson, type RedisClient } from './script.ts';
import type { Sealer } from './sealer.ts';

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

/** With encryption on, the whole body (care plan, conditions, consent) is sealed with the facility's DEK. */
export class RedisResidentStore implements ResidentStore {
  private readonly c: OrderedCollection<Resident>;
  constructor(
    redis: RedisClient,
    keys: Keys,
    private readonly sealer?: Sealer,
  ) {
    this.c = new OrderedCollection(
      redis,
      keys,
      'residents',
      sealer?.enabled ? { sealer, kind: 'resident', scopeOf: (r) => r.facilityId } : undefined,
    );
  }
  async put(r: Resident) {
    // Before the body: the resident's vitals are sealed with this facility's DEK from now on.
    await this.sealer?.rememberResident(r.id, r.facilityId);
    await this.c.put(r.id, r);
  }
  async get(id: string) {
    return this.c.get(id);
  }
  /** Read through: each call decodes a record of its own, so read-only holds by construction. */
  snapshot(id: string): Promise<Readonly<Resident> | undefined> {
    return this.get(id);
  }
  async list(filter: { facilityId?: string } = {}) {
    const all = await this.c.list();
    return filter.facilityId ? all.filter((r) => r.facilityId === filter.facilityId) : all;
  }
  // Both partial updates are compare-and-set on the whole body, so a consent withdrawal and a care plan
  // change racing in two processes both land (ResidentStore.setCarePlan).
  async setConsent(id: string, consent: Consent) {
    await this.c.update(id, (r) => ({ ...r, consent }));
  }
  async setCarePlan(id: string, carePlan: CarePlan) {
    return this.c.update(id, (r) => ({ ...r, carePlan, carePlanVersion: (r.carePlanVersion ?? 1) + 1 }));
  }
}

type LiveField = 'state' | 'lastSeenAt' | 'battery' | 'recentIntervalsMs';
const LIVE_FIELDS: readonly LiveField[] = ['state', 'lastSeenAt', 'battery', 'recentIntervalsMs'];
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

/** Patches the live fields of a known device only (`DeviceStore.touch`: no-op for an unknown id). */
const TOUCH_DEVICE = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
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

/**
 * Devices: the record as put, plus its live fields (state, lastSeenAt, battery, learned intervals) in one hash
 * `{devices}:live` beside it, so `touch` (once per accepted batch) is a single script call with no
 * read-modify-write of the JSON body.
 */
export class RedisDeviceStore implements DeviceStore {
  private readonly c: OrderedCollection<DeviceRecord>;
  private readonly live: string;
  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
  ) {
    this.c = new OrderedCollection(redis, keys, 'devices');
    this.live = deviceKeys(keys).live;
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

  async put(d: DeviceRecord) {
    await PUT_DEVICE.run(
      this.redis,
      [this.c.bodies, this.c.order, this.c.counter, this.live],
      [d.id, toJson(d), ...LIVE_FIELDS.map((f) => liveField(d.id, f))],
    );
  }

  async get(id: string) {
    const raw = (await GET_DEVICE.run(
      this.redis,
      [this.c.bodies, this.live],
      [id, ...LIVE_FIELDS.map((f) => liveField(id, f))],
    )) as (string | null)[] | null;
    if (!raw?.[0]) return undefined;
    return RedisDeviceStore.merge(raw[0], raw.slice(1));
  }

  /** Read through: each call decodes a record of its own, so read-only holds by construction. */
  snapshot(id: string): Promise<Readonly<DeviceRecord> | undefined> {
    return this.get(id);
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
      const d = RedisDeviceStore.merge(body, raw.slice(i + 1, i + group));
      if (filter.facilityId !== undefined && d.facilityId !== filter.facilityId) continue;
      if (filter.residentId !== undefined && d.residentId !== filter.residentId) continue;
      out.push(d);
    }
    return out;
  }

  async touch(id: string, patch: Partial<Pick<DeviceRecord, LiveField>>) {
    const args: string[] = [id];
    for (const f of LIVE_FIELDS) {
      if (!Object.hasOwn(patch, f)) continue;
      const v = patch[f];
      args.push(liveField(id, f), v === undefined ? REMOVED : toJson(v));
    }
    if (args.length === 1) return;
    await TOUCH_DEVICE.run(this.redis, [this.c.bodies, this.live], args);
  }

  /**
   * A compare-and-set of the body (the CAS script of `OrderedCollection.update`): the live fields sit
   * in `{devices}:live` and are not part of it, so a touch racing this never loses its write, and a put
   * (re-provisioning) racing it wins.
   */
  async setSecretHash(id: string, expected: string, secretHash: string) {
    const changed = await this.c.update(id, (d) => (d.secretHash === expected ? { ...d, secretHash } : undefined));
    return changed !== undefined;
  }
}
