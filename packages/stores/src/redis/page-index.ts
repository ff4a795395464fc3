import type { ChainableCommander } from 'ioredis';
import { comparePositions } from '../paging.ts';
import type { Page, PagePosition, PageQuery } from '../types.ts';
import { type Keys, LuaScript, type RedisClient } from './script.ts';

/**
 * Up to ARGV[1] members of one sorted set strictly after (ARGV[2] score, ARGV[3] member) in (score,
 * member) order, within the score ranges ARGV[4..] (min, max pairs in ascending order); a flat
 * member, score list. ARGV[2] '' means from the start. One key per call, so it runs on Redis Cluster.
 */
const READ_AFTER = new LuaScript(`
local count = tonumber(ARGV[1])
local hasAfter = ARGV[2] ~= ''
local aScore = tonumber(ARGV[2])
local out = {}
for i = 4, #ARGV, 2 do
  local max = tonumber(ARGV[i + 1])
  if #out < count * 2 and not (hasAfter and aScore > max) then
    local lo = ARGV[i]
    if hasAfter and aScore >= tonumber(ARGV[i]) then lo = ARGV[2] end
    local offset = 0
    while #out < count * 2 do
      local batch = redis.call('ZRANGEBYSCORE', KEYS[1], lo, ARGV[i + 1], 'WITHSCORES', 'LIMIT', offset, count)
      for j = 1, #batch, 2 do
        local s = tonumber(batch[j + 1])
        local before = hasAfter and (s < aScore or (s == aScore and batch[j] <= ARGV[3]))
        if not before and #out < count * 2 then
          out[#out + 1] = batch[j]
          out[#out + 1] = batch[j + 1]
        end
      end
      if #batch < count * 2 then break end
      offset = offset + count
    end
  end
end
return out
`);

/** What a paged read needs from its store: the bodies of ids (undefined when gone) and the filter. */
export interface PageSource<T> {
  load(ids: string[]): Promise<(T | undefined)[]>;
  accept(item: T): boolean;
}

/**
 * A keyset index of one collection (issue 12 "bounded state"): sorted sets `<name>` (everything) and
 * `<name>:<facilityId>`, member = id, score = the list's sort key. Pages read only the index entries
 * they need, never the whole collection. Entries may outlive their body for a moment (written before
 * it, removed after it): readers skip ids without a body.
 */
export class PageIndex {
  readonly all: string;
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    /** The collection's hash tag (key-layout.ts): an index is written in one MULTI with its siblings. */
    private readonly tag: string,
    private readonly name: string,
  ) {
    this.all = keys.tagged(tag, name);
  }

  facilityKey(facilityId: string): string {
    return this.keys.tagged(this.tag, this.name, encodeURIComponent(facilityId));
  }

  add(tx: ChainableCommander, facilityId: string, id: string, key: number): ChainableCommander {
    return tx.zadd(this.all, key, id).zadd(this.facilityKey(facilityId), key, id);
  }

  remove(tx: ChainableCommander, facilityId: string, id: string): ChainableCommander {
    return tx.zrem(this.all, id).zrem(this.facilityKey(facilityId), id);
  }

  /**
   * The page after `query.after` among the entries with keys in `ranges`, merged over the facilities'
   * indexes (or the whole one when `facilityIds` is undefined), filtered by `source.accept`.
   */
  async page<T>(
    facilityIds: readonly string[] | undefined,
    ranges: readonly [number, number][],
    query: PageQuery,
    source: PageSource<T>,
  ): Promise<Page<T>> {
    const indexes = facilityIds === undefined ? [this.all] : [...new Set(facilityIds)].map((f) => this.facilityKey(f));
    const limit = Math.max(1, Math.floor(query.limit));
    const out: { item: T; at: PagePosition }[] = [];
    let after = query.after;
    if (indexes.length === 0) return { items: [] };
    for (;;) {
      const want = limit + 1 - out.length;
      const batches = await Promise.all(indexes.map((key) => this.readAfter(key, ranges, after, want)));
      const merged = batches.flat().sort(comparePositions);
      const taken = merged.slice(0, want);
      if (taken.length === 0) break;
      const items = await source.load(taken.map((p) => p.id));
      taken.forEach((at, i) => {
        const item = items[i];
        if (item !== undefined && out.length <= limit && source.accept(item)) out.push({ item, at });
      });
      after = taken.at(-1);
      const exhausted = merged.length <= want && batches.every((b) => b.length < want);
      if (out.length > limit || exhausted) break;
    }
    const shown = out.slice(0, limit);
    const last = shown.at(-1);
    return { items: shown.map((o) => o.item), ...(out.length > limit && last && { next: last.at }) };
  }

  private async readAfter(
    key: string,
    ranges: readonly [number, number][],
    after: PagePosition | undefined,
    count: number,
  ): Promise<PagePosition[]> {
    const args = [count, after === undefined ? '' : after.key, after?.id ?? '', ...ranges.flat()];
    const raw = (await READ_AFTER.run(this.redis, [key], args)) as string[];
    const out: PagePosition[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) out.push({ id: raw[i] as string, key: Number(raw[i + 1]) });
    return out;
  }
}
