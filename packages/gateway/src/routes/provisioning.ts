import type { Facility } from '@vigil/contracts';
import { type AuthUser, requireRole } from '../auth-guard.ts';
import { assertFacility } from '../scope.ts';
import type { GatewayContext } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';

/**
 * The checks provisioning a resident or a device starts with: the facility is the
 * caller's (404 otherwise, so other facilities do not leak), the caller is an admin or manager, the
 * facility exists, and a named zone is one of its zones.
 */
export async function facilityToProvision(
  ctx: GatewayContext,
  user: AuthUser,
  facilityId: string,
  zoneId?: string,
): Promise<Facility> {
  assertFacility(user, facilityId, `facility ${facilityId}`);
  requireRole(user, 'admin', 'manager');
  const facility = await ctx.stores.facilities.get(facilityId);
  if (!facility) throw notFound(`facility ${facilityId}`);
  if (zoneId !== undefined && !facility.zones.some((z) => z.id === zoneId)) {
    throw badRequest(`zone ${zoneId} does not exist in facility ${facilityId}`);
  }
  return facility;
}
