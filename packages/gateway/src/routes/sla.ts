import { slaReport } from '@vigil/engine';
import { slaWarningPosition } from '@vigil/stores';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole, userOf } from '../auth-guard.ts';
import { facilityScope } from '../scope.ts';
import { slaWarningForViewer } from '../alert-view.ts';
import type { RouteOptions } from '../context.ts';
import { collectPage, linkNext, PageParams, pageQuery } from '../paging.ts';
import { FacilityRangeQuery, facilityRange } from './facility-range.ts';

const WarningsQuery = z.object({ ...FacilityRangeQuery.shape, ...PageParams });

/** SLA warnings and the SLA report (contract §3.3, §4.1): a manager's view of every delay (§4.2). */
export const slaRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  // Oldest first by `raisedAt`, so a page reads as a timeline; `from` and `to` are inclusive and
  // optional (absent: everything retained); paged (docs/api.md "Paging").
  app.get('/warnings', { schema: { querystring: WarningsQuery } }, async (req, reply) => {
    const user = userOf(req);
    requireRole(user, 'admin', 'manager');
    const scope = facilityScope(user, req.query.facilityId);
    const query = pageQuery('sla-warnings', req.query);
    const filter = { ...(scope !== undefined && { facilityIds: scope }) };
    const page = await collectPage(
      (after) => ctx.stores.slaWarnings.page(filter, { ...query, ...(after && { after }) }),
      () => true,
      query,
      slaWarningPosition,
    );
    linkNext(req, reply, 'sla-warnings', page.next);
    // An alert's title inside `detail` follows the resident's consent (alert-view.ts).
    return Promise.all(page.items.map((w) => slaWarningForViewer(ctx.stores, user, w)));
  });

  // `GET /api/sla/report` (contract §4.1, issue 4): per facility, role and staff member over a range
  // (default the last 7 days): counts, p50/p90/max time to acknowledge, accept and complete,
  // breaches, and the false-alarm rate. `facilityId` may be left out by someone with one facility.
  app.get('/report', { schema: { querystring: FacilityRangeQuery } }, async (req) => {
    const user = userOf(req);
    requireRole(user, 'admin', 'manager');
    const { facilityId, from, to } = await facilityRange(ctx, user, req.query);
    const [alerts, tasks, warnings, users] = await Promise.all([
      ctx.stores.alerts.list({ facilityId }),
      ctx.stores.tasks.list({ facilityId }),
      ctx.stores.slaWarnings.list({ facilityId, from, to }),
      ctx.stores.users.list({ facilityId }),
    ]);
    return slaReport({ facilityId, from, to, alerts, tasks, warnings, users });
  });
};
