import type { Sealer } from './sealer.ts';
import { collectionKeys } from './key-layout.ts';
import { type Keys, LuaScript, toJson, type RedisClient } from './script.ts';

/** Stores the body; a first put also appends the id to the insertion order (a re-put keeps its place). */
export const PUT_ORDERED = new LuaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
return 1
`);

/** Ids and bodies of the ids in a sorted set, in its order, as a flat id, body list, in one atomic step. */
export const LIST_BY_SET = new LuaScript(`
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    out[#out + 1] = id
    out[#out + 1] = body
  end
end
return out
`);

/** Pairs of a flat id, body reply. */
export function pairs(raw: readonly string[]): [id: string, body: string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}

/** Compare-and-set of one body: the read-modify-write of a partial update, without WATCH. */
const CAS = new LuaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`);

/** Reads the id an index points at, then that body; returns id, body (the id names a sealed body's AAD). */
export const GET_INDIRECT = new LuaScript(`
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
local body = redis.call('HGET', KEYS[2], id)
if not body then return false end
return { id, body }
`);

const MAX_CAS_ATTEMPTS = 100;

/** Sealing of a collection's bodies: the record kind in the AAD and the facility whose DEK seals one. */
export interface CollectionSealing<T> {
  sealer: Sealer;
  kind: string;
  scopeOf: (value: T) => string;
}

/**
 * JSON bodies in a hash, listed in first-insertion order like the memory stores' Maps: `{<name>}` holds
 * id → JSON (sealed whole when `sealing` is given), `{<name>}:order` the ids scored by a counter
 * `{<name>}:n` (one hash tag: the scripts touch them together, key-layout.ts).
 */
export class OrderedCollection<T> {
  readonly bodies: string;
  readonly order: string;
  readonly counter: string;

  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    name: string,
    private readonly sealing?: CollectionSealing<T>,
  ) {
    ({ bodies: this.bodies, order: this.order, counter: this.counter } = collectionKeys(keys, name));
  }

  /** The stored form of a body: sealed, with the AAD naming this record, or plain JSON. */
  encode(id: string, value: T): Promise<string> | string {
    const s = this.sealing;
    return s ? s.sealer.seal(s.scopeOf(value), { kind: s.kind, id, field: 'body' }, value) : toJson(value);
  }

  async decode(id: string, raw: string | null | undefined): Promise<T | undefined> {
    if (raw === null || raw === undefined) return undefined;
    const s = this.sealing;
    return s ? s.sealer.open<T>({ kind: s.kind, id, field: 'body' }, raw) : (JSON.parse(raw) as T);
  }

  async put(id: string, value: T): Promise<void> {
    await PUT_ORDERED.run(this.redis, [this.bodies, this.order, this.counter], [id, await this.encode(id, value)]);
  }

  async get(id: string): Promise<T | undefined> {
    return this.decode(id, await this.redis.hget(this.bodies, id));
  }

  /** The body an index entry points at (GET_INDIRECT on `index`). */
  async getIndirect(index: string, entry: string): Promise<T | undefined> {
    const raw = (await GET_INDIRECT.run(this.redis, [index, this.bodies], [entry])) as [string, string] | null;
    return raw ? this.decode(raw[0], raw[1]) : undefined;
  }

  /** Bodies of the ids in `source` (a sorted set), in its order; the whole insertion order by default. */
  async list(source = this.order): Promise<T[]> {
    const raw = (await LIST_BY_SET.run(this.redis, [source, this.bodies])) as string[];
    return Promise.all(pairs(raw).map(async ([id, body]) => (await this.decode(id, body)) as T));
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
      const next = change((await this.decode(id, before)) as T);
      if (next === undefined) return undefined;
      // A fresh copy for the caller, as the plain JSON round trip gave.
      const copy = JSON.parse(toJson(next)) as T;
      const after = await this.encode(id, next);
      // The compare is on the stored form: a sealed body changes with every write (fresh IV).
      if ((await CAS.run(this.redis, [this.bodies], [id, before, after])) === 1) return copy;
    }
    throw new Error(`too much contention updating ${this.bodies} ${id}`);
  }
}
