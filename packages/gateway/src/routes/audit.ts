import { AUDIT_LIST_DEFAULT_LIMIT, AUDIT_LIST_MAX_LIMIT, type AuditEntry, Id } from '@vigil/contracts';
import type { AuditFilter, AuditStore, PageQuery } from '@vigil/stores';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole, userOf } from '../auth-guard.ts';
import { assertFacility, facilityScope } from '../scope.ts';
import type { RouteOptions } from '../context.ts';
import { Cursor, linkNext, pageQuery } from '../paging.ts';
import { QueryTime } from '../query-time.ts';

export const AuditQuery = z.object({
  facilityId: Id.optional(),
  residentId: Id.optional(),
  from: QueryTime.optional(),
  to: QueryTime.optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_LIST_MAX_LIMIT).default(AUDIT_LIST_DEFAULT_LIMIT),
  cursor: Cursor.optional(),
});

/** One facility per check: a manager's, or any for an admin (`pnpm audit:verify` checks them all). */
export const AuditVerifyQuery = z.object({ facilityId: Id });

/**
 * `GET /api/audit` (contract §4.1, §4.2): who read or changed which resident's health data, when,
 * why, and whether it was allowed. Admins (every facility) and managers (their own); others 403,
 * another facility 404. Newest first, at most `limit`: the latest answer the usual question ("who
 * looked at her this week?"); the next (older) page is at the `Link`/`X-Next-Cursor` cursor (docs/api.md
 * "Paging"), or `to` = the oldest `at` received.
 */
export const auditRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  app.get('/', { schema: { querystring: AuditQuery } }, async (req, reply) => {
    const user = userOf(req);
    requireRole(user, 'admin', 'manager');
    const { facilityId, residentId } = req.query;
    const scope = facilityScope(user, facilityId);
    const query = pageQuery('audit', req.query);
    // The facility scope alone keeps other facilities' residents out: their ids give an empty list.
    const filter = {
      ...(scope !== undefined && { facilityIds: scope }),
      ...(residentId !== undefined && { residentId }),
    };
    const entries = await newestAfter(ctx.stores.audit, filter, query);
    const shown = entries.slice(0, query.limit);
    const last = shown.at(-1);
    if (entries.length > query.limit && last !== undefined) {
      linkNext(req, reply, 'audit', { key: Date.parse(last.at), id: last.id });
    }
    return shown;
  });

  /**
   * `GET /api/audit/verify?facilityId` (contract §4.1): recomputes the facility's hash chain over its
   * kept entries and names the first that does not match (`AuditVerification`; docs/security.md
   * "Audit chain"). Admins, and managers of the facility; another facility 404. Always 200: a broken
   * chain is the answer, not an error of the request.
   */
  app.get('/verify', { schema: { querystring: AuditVerifyQuery } }, async (req) => {
    const user = userOf(req);
    requireRole(user, 'admin', 'manager');
    const { facilityId } = req.query;
    assertFacility(user, facilityId, `facility ${facilityId}`);
    return ctx.stores.audit.verify(facilityId);
  });
};

/**
 * Up to `limit + 1` entries, newest first, after the cursor: the entries of the cursor's millisecond
 * that the store lists after it (same order as the page it came from), then the older ones. Keyset
 * on (`at`, position within the millisecond), so entries appended meanwhile never shift a page.
 */
async function newestAfter(
  audit: AuditStore,
  filter: Pick<AuditFilter, 'facilityIds' | 'residentId'>,
  q: PageQuery,
): Promise<AuditEntry[]> {
  const want = q.limit + 1;
  const bounds = { ...(q.from !== undefined && { from: q.from }), ...(q.to !== undefined && { to: q.to }) };
  if (q.after === undefined) return audit.list({ ...filter, ...bounds, limit: want });
  const at = q.after.key;
  if ((q.from !== undefined && at < q.from) || (q.to !== undefined && at > q.to)) return [];
  const sameMs = await audit.list({ ...filter, from: at, to: at, limit: AUDIT_LIST_MAX_LIMIT });
  const tail = sameMs.slice(sameMs.findIndex((e) => e.id === q.after?.id) + 1);
  if (tail.length >= want) return tail.slice(0, want);
  const older = await audit.list({ ...filter, ...bounds, to: at - 1, limit: want - tail.length });
  return [...tail, ...older];
}
