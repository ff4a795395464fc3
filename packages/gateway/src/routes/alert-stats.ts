import { alertStats } from '@vigil/engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole, userOf } from '../auth-guard.ts';
import type { RouteOptions } from '../context.ts';
import { FacilityRangeQuery, facilityRange } from './facility-range.ts';

/**
 * `GET /api/alerts/stats` (issue 14, the manager board): acknowledgement and on-site response times
 * per role and staff member, breaches, false-alarm rate, alerts per resident-day per rule. Admins and
 * managers of the facility; counts and times only, no resident's health content. Range and
 * `facilityId` as for `GET /api/sla/report` (default the last 7 days, at most 92).
 */
export const alertStatsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  app.get('/stats', { schema: { querystring: FacilityRangeQuery } }, async (req) => {
    const user = userOf(req);
    requireRole(user, 'admin', 'manager');
    const { facilityId, from, to } = await facilityRange(ctx, user, req.query);
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
