import { AUDIT_LIST_DEFAULT_LIMIT, AUDIT_LIST_MAX_LIMIT, Id } from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { facilityScope, requireRole, userOf } from '../auth-guard.ts';
import type { RouteOptions } from '../context.ts';
import { badRequest } from '../errors.ts';
import { QueryTime } from './residents.ts';

export const AuditQuery = z.object({
  facilityId: Id.optional(),
  residentId: Id.optional(),
  from: QueryTime.optional(),
  to: QueryTime.optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_LIST_MAX_LIMIT).default(AUDIT_LIST_DEFAULT_LIMIT),
});

/**
 * `GET /api/audit` (contract §4.1, §4.2): who read or changed which resident's health data, when,
 * why, and whether it was allowed. Admins (every facility) and managers (their own); others 403,
 * another facility 404. Newest first, at most `limit`: the latest answer the usual question ("who
 * looked at her this week?"), and an older page is `to` = the oldest `at` received.
 */
export const auditRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  app.get('/', { schema: { querystring: AuditQuery } }, async (req) => {
    const user = userOf(req);
    requireRole(user, 'admin', 'manager');
    const { facilityId, residentId, from, to, limit } = req.query;
    const scope = facilityScope(user, facilityId);
    if (from !== undefined && to !== undefined && from > to) throw badRequest('from must not be after to');
    // The facility scope alone keeps other facilities' residents out: their ids give an empty list.
    return ctx.stores.audit.list({
      ...(scope !== undefined && { facilityIds: scope }),
      ...(residentId !== undefined && { residentId }),
      ...(from !== undefined && { from }),
      ...(to !== undefined && { to }),
      limit,
    });
  });
};
