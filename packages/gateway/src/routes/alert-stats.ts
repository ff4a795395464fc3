import { Id } from '@vigil/contracts';
import { alertStats } from '@vigil/engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole, userOf } from '../auth-guard.ts';
import type { RouteOptions } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { assertFacility } from '../scope.ts';
import { QueryTime } from './residents.ts';

const StatsQuery = z.object({ facilityId: Id.optional(), from: QueryTime.optional(), to: QueryTime.optional() });
const MAX_RANGE_MS = 92 * 24 * 3_600_000;

/**
 * `GET /api/alerts/stats` (issue 14, the manager board): acknowledgement and on-site response times
 * per role and staff member, breaches, false-alarm rate, alerts per resident-day per rule. Admins and
 * managers of the facility; counts and times only, no resident's health content. Range and
 * `facilityId` as for `GET /api/sla/report` (default the last 7 days, at most 92).
 */
export const alertStatsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  app.get('/stats', { schema: { querystring: StatsQuery } }, async (req) => {
    const user = userOf(req);
    requireRole(user, 'admin', 'manager');
    const facilityId = req.query.facilityId ?? (user.facilityIds.length === 1 ? user.facilityIds[0] : undefined);
    if (facilityId === undefined) throw badRequest('facilityId is required when you belong to several facilities');
    assertFacility(user, facilityId, `facility ${facilityId}`);
    if (!(await ctx.stores.facilities.get(facilityId))) throw notFound(`facility ${facilityId}`);
    const to = req.query.to ?? ctx.clock.now();
    const from = req.query.from ?? to - 7 * 24 * 3_600_000;
    if (from > to) throw badRequest('from must not be after to');
    if (to - from > MAX_RANGE_MS) throw badRequest('range longer than 92 days');
    const [alerts, tasks, warnings, users, residents] = await Promise.all([
      ctx.stores.alerts.list({ facilityId }),
      ctx.stores.tasks.list({ facilityId }),
      ctx.stores.slaWarnings.list({ facilityId, from, to }),
      ctx.stores.users.list({ facilityId }),
      ctx.stores.residents.list({ facilityId }),
    ]);
    return alertStats({ facilityId, from, to, alerts, tasks, warnings, users, residents: residents.length });
  });
};
