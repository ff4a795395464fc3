import type { SlaWarning, Task } from '@vigil/contracts';
import { slaWarningMatches, taskMatches } from '../memory/dispatch.ts';
import { isFinishedTask, slaWarningPosition, taskFinishedAt, taskPosition } from '../paging.ts';
import type { Page, PageQuery, SlaWarningFilter, TaskFilter } from '../types.ts';
import { execOrThrow } from './alert-pages.ts';
import { PageIndex } from './page-index.ts';
import type { Keys, RedisClient } from './script.ts';

/** The facilities a filter allows: `facilityId` within `facilityIds`, or undefined for all. */
function scopeOf(f: { facilityId?: string; facilityIds?: readonly string[] }): readonly string[] | undefined {
  if (f.facilityId === undefined) return f.facilityIds;
  return f.facilityIds === undefined || f.facilityIds.includes(f.facilityId) ? [f.facilityId] : [];
}

/** Whole time axis when a query leaves a bound open (epoch ms stay far inside it). */
const timeRange = (q: PageQuery): [number, number][] => [[q.from ?? -1e15, q.to ?? 1e15]];

/** How a store reads and drops bodies by id, for its page and retention indexes. */
export interface BodySource<T> {
  load(ids: string[]): Promise<(T | undefined)[]>;
}

/**
 * The task store's paging and retention indexes (issue 12 "bounded state"):
 *   tasks:page[:<facilityId>]  every task scored by `createdAt` (the list's order)
 *   tasks:finished             done or cancelled ids scored by `taskFinishedAt` (what retention removes)
 *   tasks:paged                set once the indexes cover tasks stored before they existed
 */
export class TaskPages {
  private readonly index: PageIndex;
  private readonly finished: string;
  private readonly marker: string;

  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    private readonly bodies: string,
    private readonly source: BodySource<Task>,
    /** Keys that name a task id outside the body hash (its alert's set, the active set). */
    private readonly otherKeysOf: (t: Task) => string[],
  ) {
    this.index = new PageIndex(redis, keys, 'tasks', 'page');
    this.finished = keys.tagged('tasks', 'finished');
    this.marker = keys.tagged('tasks', 'paged');
  }

  /** Index writes of a put, made before the body (an index may name a missing task, never miss one). */
  async write(t: Task): Promise<void> {
    const tx = this.index.add(this.redis.multi(), t.facilityId, t.id, taskPosition(t).key);
    if (isFinishedTask(t)) tx.zadd(this.finished, taskFinishedAt(t), t.id);
    else tx.zrem(this.finished, t.id);
    await execOrThrow(tx);
  }

  page(f: TaskFilter, query: PageQuery): Promise<Page<Task>> {
    return this.index.page(scopeOf(f), timeRange(query), query, {
      load: (ids) => this.source.load(ids),
      accept: (t) => taskMatches(t, f),
    });
  }

  async removeFinishedBefore(before: number, limit: number): Promise<number> {
    const ids = await this.redis.zrangebyscore(this.finished, '-inf', `(${before}`, 'LIMIT', 0, Math.max(0, limit));
    if (ids.length === 0) return 0;
    const tasks = await this.source.load(ids);
    const tx = this.redis.multi();
    ids.forEach((id, i) => {
      const t = tasks[i];
      // Reopened meanwhile (a put racing this sweep): it stays, out of the retention index.
      if (t !== undefined && !isFinishedTask(t)) {
        tx.zrem(this.finished, id);
        return;
      }
      tx.hdel(this.bodies, id).zrem(this.finished, id).zrem(this.index.all, id);
      if (t === undefined) return;
      this.index.remove(tx, t.facilityId, id);
      for (const key of this.otherKeysOf(t)) tx.srem(key, id);
    });
    await execOrThrow(tx);
    return ids.length;
  }

  async backfill(all: () => Promise<Task[]>): Promise<void> {
    if ((await this.redis.exists(this.marker)) === 1) return;
    for (const t of await all()) await this.write(t);
    await this.redis.set(this.marker, '1');
  }
}

/**
 * The SLA warning store's paging index, which retention reads too (its score is `raisedAt`):
 *   sla-warnings:page[:<facilityId>], and sla-warnings:paged once it covers older warnings.
 */
export class SlaWarningPages {
  private readonly index: PageIndex;
  private readonly marker: string;

  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    private readonly bodies: string,
    private readonly source: BodySource<SlaWarning>,
  ) {
    this.index = new PageIndex(redis, keys, 'sla-warnings', 'page');
    this.marker = keys.tagged('sla-warnings', 'paged');
  }

  async write(w: SlaWarning): Promise<void> {
    await execOrThrow(this.index.add(this.redis.multi(), w.facilityId, w.id, slaWarningPosition(w).key));
  }

  page(f: SlaWarningFilter, query: PageQuery): Promise<Page<SlaWarning>> {
    return this.index.page(scopeOf(f), timeRange(query), query, {
      load: (ids) => this.source.load(ids),
      accept: (w) => slaWarningMatches(w, f),
    });
  }

  async removeBefore(before: number, limit: number): Promise<number> {
    const ids = await this.redis.zrangebyscore(this.index.all, '-inf', `(${before}`, 'LIMIT', 0, Math.max(0, limit));
    if (ids.length === 0) return 0;
    const warnings = await this.source.load(ids);
    const tx = this.redis.multi();
    ids.forEach((id, i) => {
      tx.hdel(this.bodies, id).zrem(this.index.all, id);
      const w = warnings[i];
      if (w !== undefined) this.index.remove(tx, w.facilityId, id);
    });
    await execOrThrow(tx);
    return ids.length;
  }

  async backfill(all: () => Promise<SlaWarning[]>): Promise<void> {
    if ((await this.redis.exists(this.marker)) === 1) return;
    for (const w of await all()) await this.write(w);
    await this.redis.set(this.marker, '1');
  }
}
