import { type Alert, PRIORITY_RANK, type SlaWarning, type Task } from '@vigil/contracts';
import type { Page, PagePosition, PageQuery } from './types.ts';

/**
 * Sort keys of the paged lists (issue 12 "bounded state"). Every list pages in ascending (key, id)
 * order, ids compared by code unit as Redis compares the members of equal scores (ids are ASCII,
 * contract "Identifiers"), so the memory and Redis stores give the same pages.
 */

/** Wider than any epoch ms before the year 2286: one band of alert keys per priority. */
export const ALERT_KEY_BAND = 1e13;

/**
 * The board's order as one number: high priority first (IEC 60601-1-8), then the newest raised
 * (`compareAlerts` in the gateway). Below 3·10^13, so exact in a double and in a Redis score.
 */
export const alertPosition = (a: Pick<Alert, 'id' | 'priority' | 'raisedAt'>): PagePosition => ({
  key: PRIORITY_RANK[a.priority] * ALERT_KEY_BAND + (ALERT_KEY_BAND - Date.parse(a.raisedAt)),
  id: a.id,
});

/** Key ranges of alerts raised within [from, to], one per priority band, in key order. */
export function alertKeyRanges(from = 0, to = ALERT_KEY_BAND - 1): [min: number, max: number][] {
  return Object.values(PRIORITY_RANK)
    .sort((a, b) => a - b)
    .map((rank) => [rank * ALERT_KEY_BAND + (ALERT_KEY_BAND - to), rank * ALERT_KEY_BAND + (ALERT_KEY_BAND - from)]);
}

export const taskPosition = (t: Pick<Task, 'id' | 'createdAt'>): PagePosition => ({
  key: Date.parse(t.createdAt),
  id: t.id,
});

export const slaWarningPosition = (w: Pick<SlaWarning, 'id' | 'raisedAt'>): PagePosition => ({
  key: Date.parse(w.raisedAt),
  id: w.id,
});

export const isFinishedTask = (t: Pick<Task, 'state'>) => t.state === 'done' || t.state === 'cancelled';

/**
 * When a done or cancelled task finished, for retention: `completedAt`, else (a cancellation records
 * no time of its own) the latest time the task carries.
 */
export function taskFinishedAt(t: Task): number {
  if (t.completedAt !== undefined) return Date.parse(t.completedAt);
  const times = [t.createdAt, t.assignedAt, t.acceptedAt, t.startedAt].filter((x) => x !== undefined);
  return Math.max(...times.map((x) => Date.parse(x)));
}

/** a before b in (key, id) order. */
export const comparePositions = (a: PagePosition, b: PagePosition) =>
  a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The page of `items` (already filtered, in any order) after `query.after`: the memory stores'
 * keyset paging, the Redis stores' reference. `query.from`/`to` are the caller's to apply.
 */
export function pageOf<T>(items: readonly T[], positionOf: (t: T) => PagePosition, query: PageQuery): Page<T> {
  const after = query.after;
  const ranked = items
    .map((item) => ({ item, at: positionOf(item) }))
    .filter(({ at }) => after === undefined || comparePositions(at, after) > 0)
    .sort((a, b) => comparePositions(a.at, b.at));
  const limit = Math.max(1, Math.floor(query.limit));
  const shown = ranked.slice(0, limit);
  const last = shown.at(-1);
  return {
    items: shown.map(({ item }) => item),
    ...(ranked.length > limit && last !== undefined && { next: last.at }),
  };
}

/** Whether an epoch ms lies within the query's inclusive time bounds. */
export const withinTime = (ms: number, q: Pick<PageQuery, 'from' | 'to'>) =>
  (q.from === undefined || ms >= q.from) && (q.to === undefined || ms <= q.to);
