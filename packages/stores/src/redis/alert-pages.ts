import type { Alert } from '@vigil/contracts';
import { alertMatches } from '../memory/alerts.ts';
import { alertKeyRanges, alertPosition } from '../paging.ts';
import type { AlertFilter, Page, PageQuery } from '../types.ts';
import type { OrderedCollection } from './collection.ts';
import { PageIndex } from './page-index.ts';
import type { Keys, RedisClient } from './script.ts';

const isOpen = (a: Alert) => a.state !== 'resolved';

/**
 * The alert store's paging and retention indexes (issue 12 "bounded state"), beside its own keys:
 *   alerts:page[:<facilityId>]       every alert, scored by `alertPosition` (the board's order)
 *   alerts:page-open[:<facilityId>]  the open ones, likewise (the board's usual question)
 *   alerts:resolved                  resolved ids scored by `resolvedAt` (what retention removes)
 *   alerts:paged                     set once the indexes cover alerts stored before they existed
 */
export class AlertPages {
  private readonly every: PageIndex;
  private readonly open: PageIndex;
  private readonly resolved: string;
  private readonly marker: string;

  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    private readonly c: OrderedCollection<Alert>,
  ) {
    this.every = new PageIndex(redis, keys, 'alerts', 'page');
    this.open = new PageIndex(redis, keys, 'alerts', 'page-open');
    this.resolved = keys.tagged('alerts', 'resolved');
    this.marker = keys.tagged('alerts', 'paged');
  }

  /** Index writes for a put; run before the body is written, so an index never lacks a stored alert. */
  async write(alert: Alert): Promise<void> {
    const { key } = alertPosition(alert);
    const tx = this.redis.multi();
    this.every.add(tx, alert.facilityId, alert.id, key);
    if (isOpen(alert)) this.open.add(tx, alert.facilityId, alert.id, key);
    else this.open.remove(tx, alert.facilityId, alert.id);
    if (!isOpen(alert) && alert.resolvedAt !== undefined)
      tx.zadd(this.resolved, Date.parse(alert.resolvedAt), alert.id);
    else tx.zrem(this.resolved, alert.id);
    await execOrThrow(tx);
  }

  page(filter: AlertFilter, query: PageQuery): Promise<Page<Alert>> {
    const index = filter.state === 'open' ? this.open : this.every;
    const scope =
      filter.facilityId !== undefined
        ? [filter.facilityId].filter((f) => filter.facilityIds === undefined || filter.facilityIds.includes(f))
        : filter.facilityIds;
    return index.page(scope, alertKeyRanges(query.from, query.to), query, {
      load: async (ids) => {
        const raw = await this.redis.hmget(this.c.bodies, ...ids);
        return Promise.all(ids.map((id, i) => this.c.decode(id, raw[i])));
      },
      accept: (a) => alertMatches(a, filter),
    });
  }

  /**
   * Removes up to `limit` alerts resolved before `before`: body, insertion order and every index. The
   * count is of the ids handled (each leaves the retention index), so a caller draining in batches ends.
   */
  async removeResolvedBefore(before: number, limit: number): Promise<number> {
    const ids = await this.redis.zrangebyscore(this.resolved, '-inf', `(${before}`, 'LIMIT', 0, Math.max(0, limit));
    if (ids.length === 0) return 0;
    const raw = await this.redis.hmget(this.c.bodies, ...ids);
    const tx = this.redis.multi();
    for (const [i, id] of ids.entries()) {
      const alert = await this.c.decode(id, raw[i]);
      // Re-opened since it was indexed as resolved (a put racing this sweep): it stays, unindexed
      // there, so the sweep moves on.
      if (alert !== undefined && isOpen(alert)) {
        tx.zrem(this.resolved, id);
        continue;
      }
      tx.hdel(this.c.bodies, id).zrem(this.c.order, id).zrem(this.resolved, id).zrem(this.every.all, id);
      if (alert !== undefined) this.every.remove(tx, alert.facilityId, alert.id);
    }
    await execOrThrow(tx);
    return ids.length;
  }

  /** Indexes the alerts stored before the indexes existed (once per deployment; idempotent). */
  async backfill(): Promise<void> {
    if ((await this.redis.exists(this.marker)) === 1) return;
    for (const alert of await this.c.list()) await this.write(alert);
    await this.redis.set(this.marker, '1');
  }
}

export async function execOrThrow(tx: ReturnType<RedisClient['multi']>): Promise<void> {
  for (const [err] of (await tx.exec()) ?? []) if (err) throw err;
}
