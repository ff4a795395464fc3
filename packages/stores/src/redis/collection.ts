import type { Redis } from 'ioredis';
import { fromJson, type Keys, LuaScript, toJson } from './script.ts';

/** Stores the body; a first put also appends the id to the insertion order (a re-put keeps its place). */
export const PUT_ORDERED = new LuaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
return 1
`);

/** Bodies of the ids in a sorted set, in its order, read in one atomic step. */
export const LIST_BY_SET = new LuaScript(`
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local body = redis.call('HGET', KEYS[2], id)
  if body then out[#out + 1] = body end
end
return out
`);

/** Compare-and-set of one body: the read-modify-write of a partial update, without WATCH. */
const CAS = new LuaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`);

/** Reads the id an index points at, then that body. */
export const GET_INDIRECT = new LuaScript(`
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
return redis.call('HGET', KEYS[2], id)
`);

const MAX_CAS_ATTEMPTS = 100;

/**
 * JSON bodies in a hash, listed in first-insertion order like the memory stores' Maps: `<name>` holds
 * id → JSON, `<name>:order` the ids scored by a counter `<name>:n`.
 */
export class OrderedCollection<T> {
  readonly bodies: string;
  readonly order: string;
  readonly counter: string;

  constructor(
    private readonly redis: Redis,
    keys: Keys,
    name: string,
  ) {
    this.bodies = keys.key(name);
    this.order = keys.key(name, 'order');
    this.counter = keys.key(name, 'n');
  }

  async put(id: string, value: T): Promise<void> {
    await PUT_ORDERED.run(this.redis, [this.bodies, this.order, this.counter], [id, toJson(value)]);
  }

  async get(id: string): Promise<T | undefined> {
    return fromJson<T>(await this.redis.hget(this.bodies, id));
  }

  async list(): Promise<T[]> {
    const raw = (await LIST_BY_SET.run(this.redis, [this.order, this.bodies])) as string[];
    return raw.map((s) => JSON.parse(s) as T);
  }

  async count(): Promise<number> {
    return this.redis.hlen(this.bodies);
  }

  /**
   * Optimistic read-modify-write: `change` gets a fresh copy and returns the new value, or undefined to
   * leave it. Retried when another writer changed the body in between. Undefined for an unknown id.
   */
  async update(id: string, change: (current: T) => T | undefined): Promise<T | undefined> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const before = await this.redis.hget(this.bodies, id);
      if (before === null) return undefined;
      const next = change(JSON.parse(before) as T);
      if (next === undefined) return undefined;
      const after = toJson(next);
      if ((await CAS.run(this.redis, [this.bodies], [id, before, after])) === 1) return JSON.parse(after) as T;
    }
    throw new Error(`too much contention updating ${this.bodies} ${id}`);
  }
}
