import { type Alert, AlertQuery, AckAlertRequest, PRIORITY_RANK, ResolveAlertRequest } from '@vigil/contracts';
import { alertPosition } from '@vigil/stores';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { alertsForViewer } from '../alert-view.ts';
import { requireRole, userOf } from '../auth-guard.ts';
import type { RouteOptions } from '../context.ts';
import { alertInScope, facilityScope, inScope } from '../scope.ts';
import { collectPage, linkNext, pageQuery, TimedPageParams } from '../paging.ts';
import { IdParams } from './facilities.ts';

/**
 * Roles that respond to alerts (contract §4.2): acknowledge and resolve. Maintenance staff respond to
 * facility alerts (water, smoke, power: issue 14), the only alerts in their view (scope.ts
 * `alertInView`), so an alert about a resident stays 403 for them.
 */
const RESPONDERS = ['caregiver', 'medical', 'manager', 'maintenance'] as const;

/** High first, then the newest raised (IEC 60601-1-8 priorities; the board's order). */
export const compareAlerts = (a: Alert, b: Alert) =>
  PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || Date.parse(b.raisedAt) - Date.parse(a.raisedAt);

/** `GET /api/alerts`: the contract's filters plus paging, `from`/`to` on `raisedAt` (docs/api.md "Paging"). */
const AlertListQuery = AlertQuery.extend(TimedPageParams);

/** Alerts (contract §4.1): list, read, acknowledge, resolve; transitions are the AlertService's. */
export const alertRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  // In the board's order (compareAlerts), a page at a time.
  app.get('/', { schema: { querystring: AlertListQuery } }, async (req, reply) => {
    const user = userOf(req);
    const { state, facilityId, residentId } = req.query;
    const scope = facilityScope(user, facilityId);
    const query = pageQuery('alerts', req.query);
    const filter = {
      ...(scope !== undefined && { facilityIds: scope }),
      ...(residentId !== undefined && { residentId }),
      ...(state !== undefined && { state }),
    };
    const page = await collectPage(
      (after) => ctx.stores.alerts.page(filter, { ...query, ...(after && { after }) }),
      (alert) => inScope(user, { kind: 'alert', alert }),
      query,
      alertPosition,
    );
    linkNext(req, reply, 'alerts', page.next);
    return alertsForViewer(ctx.stores, ctx.audit, user, page.items);
  });

  app.get('/:id', { schema: { params: IdParams } }, async (req) => {
    const user = userOf(req);
    const alert = await alertInScope(ctx, user, req.params.id);
    const [shown] = await alertsForViewer(ctx.stores, ctx.audit, user, [alert]);
    return shown;
  });

  app.post('/:id/ack', { schema: { params: IdParams, body: AckAlertRequest.nullable() } }, async (req) => {
    const user = userOf(req);
    // The same scope as reading it (contract §4.2): a caregiver with zones acts on those zones only.
    await alertInScope(ctx, user, req.params.id);
    requireRole(user, ...RESPONDERS);
    // No body at all arrives as null. DomainError illegal_state (already acknowledged or resolved) → 409 via the error handler.
    const acked = await ctx.alerts.acknowledge(req.params.id, user.id);
    try {
      ctx.onAlertAcknowledged?.(acked);
    } catch (err) {
      req.log.error({ err, alertId: acked.id }, 'onAlertAcknowledged failed');
    }
    const [shown] = await alertsForViewer(ctx.stores, ctx.audit, user, [acked]);
    return shown;
  });

  app.post('/:id/resolve', { schema: { params: IdParams, body: ResolveAlertRequest } }, async (req) => {
    const user = userOf(req);
    // The same scope as reading it (contract §4.2): a caregiver with zones acts on those zones only.
    await alertInScope(ctx, user, req.params.id);
    requireRole(user, ...RESPONDERS);
    const resolved = await ctx.alerts.resolve(req.params.id, user.id, req.body.outcome, req.body.note);
    const [shown] = await alertsForViewer(ctx.stores, ctx.audit, user, [resolved]);
    return shown;
  });
};
