import type { Alert, AlertKind } from '@vigil/contracts';
import { alertSubject } from '../memory/alerts.ts';
import type { AlertFilter, AlertStore, PageQuery } from '../types.ts';
import { AlertPages } from './alert-pages.ts';
import type { BlindIndex } from './blind-index.ts';
import { OrderedCollection } from './collection.ts';
import { alertKeys } from './key-layout.ts';
import { type Keys, LuaScript, type RedisClient } from './script.ts';
import type { Sealer } from './sealer.ts';

const isOpen = (a: Alert) => a.state !== 'resolved';
const openKey = (facilityId: string, subject: string, kind: string) => `${facilityId}|${subject}|${kind}`;

/**
 * Body, insertion order, the open index (`facility|subject|kind` → id) and the set of open ids, in
 * one atomic step. As in memory, resolving clears the index entry only if it still names this alert.
 * KEYS: bodies, order, order counter, open index, open ids; ARGV: id, JSON, index key, 1 if open.
 */
const PUT_ALERT = new LuaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local rank = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not rank then
  rank = redis.call('INCR', KEYS[3])
  redis.call('ZADD', KEYS[2], rank, ARGV[1])
end
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[4], ARGV[3], ARGV[1])
  redis.call('ZADD', KEYS[5], rank, ARGV[1])
else
  if redis.call('HGET', KEYS[4], ARGV[3]) == ARGV[1] then redis.call('HDEL', KEYS[4], ARGV[3]) end
  redis.call('ZREM', KEYS[5], ARGV[1])
end
return 1
`);

/** Moves an index entry to a new field (kept if one is already there: it is newer). KEYS: index; ARGV: old, new. */
const RENAME_ENTRY = new LuaScript(`
local id = redis.call('HGET', KEYS[1], ARGV[1])
if id then
  redis.call('HSETNX', KEYS[1], ARGV[2], id)
  redis.call('HDEL', KEYS[1], ARGV[1])
end
return 1
`);

/**
 * With encryption on, the whole body (its `explanation.inputs` hold vital values) is sealed, and the
 * open index's entries are named by a keyed hash (blind-index.ts), since `facility|resident|kind` says
 * which resident has which condition now; the other indexes hold ids and times only.
 */
export class RedisAlertStore implements AlertStore {
  private readonly c: OrderedCollection<Alert>;
  private readonly openIndex: string;
  /** Ids of open alerts scored like the insertion order, so `state: 'open'` never reads resolved ones. */
  private readonly openIds: string;
  /** Paging and retention indexes (issue 12 "bounded state"). */
  readonly pages: AlertPages;
  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    sealer?: Sealer,
    private readonly blind?: BlindIndex,
  ) {
    this.c = new OrderedCollection(
      redis,
      keys,
      'alerts',
      sealer?.enabled ? { sealer, kind: 'alert', scopeOf: (a) => a.facilityId } : undefined,
    );
    ({ openIndex: this.openIndex, openIds: this.openIds } = alertKeys(keys));
    this.pages = new AlertPages(redis, keys, this.c);
  }

  async put(alert: Alert) {
    await this.pages.write(alert);
    await PUT_ALERT.run(
      this.redis,
      [this.c.bodies, this.c.order, this.c.counter, this.openIndex, this.openIds],
      [
        alert.id,
        await this.c.encode(alert.id, alert),
        this.openEntry(alert.facilityId, alertSubject(alert), alert.kind),
        isOpen(alert) ? '1' : '0',
      ],
    );
  }
  async get(id: string) {
    return this.c.get(id);
  }
  async findOpen(facilityId: string, subject: string, kind: AlertKind) {
    return this.c.getIndirect(this.openIndex, this.openEntry(facilityId, subject, kind));
  }

  private openEntry(facilityId: string, subject: string, kind: string): string {
    const plain = openKey(facilityId, subject, kind);
    return this.blind ? this.blind.of(plain) : plain;
  }

  /**
   * At start, with encryption on: entries written in plaintext before (`facility|subject|kind`, a
   * keyed one never holds `|`) are renamed to their keyed form, so open alerts stay found. Processes of
   * the old version still running would write plaintext again: upgrade every process together.
   */
  async blindOpenIndex(): Promise<number> {
    if (!this.blind) return 0;
    let renamed = 0;
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.openIndex, cursor, 'COUNT', 500);
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const field = flat[i] as string;
        if (!field.includes('|')) continue;
        await RENAME_ENTRY.run(this.redis, [this.openIndex], [field, this.blind.of(field)]);
        renamed++;
      }
    } while (cursor !== '0');
    return renamed;
  }
  page(filter: AlertFilter, query: PageQuery) {
    return this.pages.page(filter, query);
  }
  removeResolvedBefore(before: number, limit: number) {
    return this.pages.removeResolvedBefore(before, limit);
  }
  async list(filter: AlertFilter = {}) {
    const source = filter.state === 'open' ? this.openIds : this.c.order;
    const out: Alert[] = [];
    for (const a of await this.c.list(source)) {
      if (filter.facilityId !== undefined && a.facilityId !== filter.facilityId) continue;
      if (filter.facilityIds !== undefined && !filter.facilityIds.includes(a.facilityId)) continue;
      if (filter.residentId !== undefined && a.residentId !== filter.residentId) continue;
      if (filter.state === 'open' ? !isOpen(a) : filter.state !== undefined && a.state !== filter.state) continue;
      out.push(a);
    }
    return out;
  }
}
