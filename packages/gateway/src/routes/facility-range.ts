import { Id } from '@vigil/contracts';
import { z } from 'zod';
import type { AuthUser } from '../auth-guard.ts';
import type { GatewayContext } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { QueryTime } from '../query-time.ts';
import { assertFacility } from '../scope.ts';

/**
 * The query of the manager's facility reports, `GET /api/sla/report` (contract §4.1) and
 * `GET /api/alerts/stats` (issue 14): one facility over a time range. The SLA warnings list takes the
 * same filters (without the defaults below).
 */
export const FacilityRangeQuery = z.object({
  facilityId: Id.optional(),
  from: QueryTime.optional(),
  to: QueryTime.optional(),
});

const DAY_MS = 24 * 3_600_000;
const DEFAULT_RANGE_MS = 7 * DAY_MS;
const MAX_RANGE_MS = 92 * DAY_MS;

/**
 * The facility and range a report covers: `facilityId` may be left out by someone with one facility;
 * the range defaults to the 7 days up to now and is at most 92 days. Throws the route's error
 * answers (400 without a facility or with a bad range; 404 for another facility or an unknown one, 403
 * outside the user's view).
 */
export async function facilityRange(
  ctx: GatewayContext,
  user: AuthUser,
  query: z.infer<typeof FacilityRangeQuery>,
): Promise<{ facilityId: string; from: number; to: number }> {
  const facilityId = query.facilityId ?? (user.facilityIds.length === 1 ? user.facilityIds[0] : undefined);
  if (facilityId === undefined) throw badRequest('facilityId is required when you belong to several facilities');
  assertFacility(user, facilityId, `facility ${facilityId}`);
  if (!(await ctx.stores.facilities.get(facilityId))) throw notFound(`facility ${facilityId}`);
  const to = query.to ?? ctx.clock.now();
  const from = query.from ?? to - DEFAULT_RANGE_MS;
  if (from > to) throw badRequest('from must not be after to');
  if (to - from > MAX_RANGE_MS) throw badRequest('range longer than 92 days');
  return { facilityId, from, to };
}
