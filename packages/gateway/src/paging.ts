import { type Page, type PagePosition, type PageQuery, pageOf } from '@vigil/stores';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest } from './errors.ts';
import { QueryTime } from './query-time.ts';

/**
 * Paged lists (issue 12 "bounded state"; docs/api.md "Paging"). Every list takes `limit` and an opaque
 * `cursor`, and the next page's cursor comes back in headers (`Link: <…>; rel="next"` and
 * `X-Next-Cursor`), never in the body, whose shape stays what it was (contract §4). The default is
 * large enough that a facility's usual lists still come whole in one page.
 */
export const PAGE_DEFAULT_LIMIT = 200;
export const PAGE_MAX_LIMIT = 1000;

export const PageLimit = z.coerce.number().int().min(1).max(PAGE_MAX_LIMIT).default(PAGE_DEFAULT_LIMIT);
export const Cursor = z.string().min(1).max(512);

/** `limit` and `cursor`, for lists without a time field. */
export const PageParams = { limit: PageLimit, cursor: Cursor.optional() };
/** Plus `from`/`to` (epoch ms or ISO-8601, inclusive) on the list's time field. */
export const TimedPageParams = { ...PageParams, from: QueryTime.optional(), to: QueryTime.optional() };

/**
 * A cursor names its list, so one list's cursor is refused by another rather than read as nonsense.
 * base64url of `[list, key, id]`: opaque to clients, which only hand it back.
 */
export function encodeCursor(list: string, at: PagePosition): string {
  return Buffer.from(JSON.stringify([list, at.key, at.id])).toString('base64url');
}

export function decodeCursor(list: string, cursor: string): PagePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('invalid cursor');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== list ||
    typeof parsed[1] !== 'number' ||
    !Number.isFinite(parsed[1]) ||
    typeof parsed[2] !== 'string'
  ) {
    throw badRequest('invalid cursor');
  }
  return { key: parsed[1], id: parsed[2] };
}

/** The store query of a request's paging parameters; `from` after `to` is a 400. */
export function pageQuery(
  list: string,
  q: { limit: number; cursor?: string | undefined; from?: number | undefined; to?: number | undefined },
): PageQuery {
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw badRequest('from must not be after to');
  return {
    limit: q.limit,
    ...(q.cursor !== undefined && { after: decodeCursor(list, q.cursor) }),
    ...(q.from !== undefined && { from: q.from }),
    ...(q.to !== undefined && { to: q.to }),
  };
}

/**
 * Fills a page of `limit` items the user may see: the store pages by its own filter, the gateway
 * drops what is outside the user's view (zones, roles), and reads on until the page is full or the
 * list ends. The next cursor is the last item shown, so nothing dropped or unread is skipped.
 */
export async function collectPage<T>(
  read: (after: PagePosition | undefined) => Promise<Page<T>>,
  keep: (item: T) => boolean,
  query: PageQuery,
  positionOf: (item: T) => PagePosition,
): Promise<Page<T>> {
  const items: T[] = [];
  let after = query.after;
  for (;;) {
    const page = await read(after);
    for (const item of page.items) {
      if (!keep(item)) continue;
      if (items.length === query.limit) {
        const last = items.at(-1);
        return { items, ...(last !== undefined && { next: positionOf(last) }) };
      }
      items.push(item);
    }
    if (page.next === undefined) return { items };
    const last = items.at(-1);
    // Full and more may follow: no read ahead (the next page may turn out empty, which is allowed).
    if (items.length === query.limit && last !== undefined) return { items, next: positionOf(last) };
    after = page.next;
  }
}

/** Sets the next page's headers, the request's own URL with the new cursor (RFC 8288 `rel="next"`). */
export function linkNext(req: FastifyRequest, reply: FastifyReply, list: string, next: PagePosition | undefined) {
  if (next === undefined) return;
  const cursor = encodeCursor(list, next);
  const url = new URL(req.url, 'http://vigil.invalid');
  url.searchParams.set('cursor', cursor);
  reply.header('X-Next-Cursor', cursor);
  reply.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
}

/**
 * A page of an entity list (users, residents, devices, facilities) in id order. These are read whole
 * from their stores (a facility's worth, not a growing history) and have no time field to bound.
 */
export const pageById = <T extends { id: string }>(items: readonly T[], query: PageQuery): Page<T> =>
  pageOf(items, (x) => ({ key: 0, id: x.id }), query);
