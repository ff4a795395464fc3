import { hashSecret } from '@vigil/auth';
import type { UpdateUserRequest } from '@vigil/contracts';
import type { UserRecord } from '@vigil/stores';
import { assertPasswordAccepted } from '../account-policy.ts';
import type { AuthUser } from '../auth-guard.ts';
import type { GatewayContext } from '../context.ts';
import { badRequest, forbidden } from '../errors.ts';
import { userInScope } from '../scope.ts';
import { revokeUserTokens } from '../sessions.ts';

/**
 * `PATCH /api/users/{id}` (contract §4.1): an admin, or a manager for non-admin users of their own
 * facility (another facility's user is 404, scope.ts). A password reset and `disabled: true` both
 * revoke every token the user holds (on every gateway: `stores.revocations`); their sockets are closed
 * by the session watch within seconds (realtime/session-watch.ts). A disabled user cannot sign in.
 */
export async function updateUser(
  ctx: GatewayContext,
  caller: AuthUser,
  id: string,
  body: UpdateUserRequest,
): Promise<UserRecord> {
  const target = await userInScope(ctx, caller, id);
  if (caller.role !== 'admin' && caller.role !== 'manager') throw forbidden(`role ${caller.role} may not do this`);
  if (caller.role === 'manager' && target.role === 'admin') throw forbidden('a manager cannot change admins');
  if (body.zoneIds !== undefined) await assertZonesOf(ctx, target, body.zoneIds);
  if (body.password !== undefined) assertPasswordAccepted(body.password);

  const { disabled: _wasDisabled, ...rest } = target;
  const updated: UserRecord = {
    ...rest,
    ...(body.name !== undefined && { name: body.name }),
    ...(body.zoneIds !== undefined && { zoneIds: body.zoneIds }),
    ...(body.password !== undefined && { passwordHash: await hashSecret(body.password) }),
    ...((body.disabled ?? target.disabled === true) && { disabled: true as const }),
    // A disabled user is off duty: the dispatcher must not give tasks to someone who cannot sign in.
    ...(body.disabled === true && { onDuty: false }),
  };
  // The cut-off first: a request with an old token that races this one is refused once the record says
  // disabled, and is refused by the cut-off from now on even if the account is enabled again.
  const revokes = body.password !== undefined || body.disabled === true;
  if (revokes) await revokeUserTokens(ctx.stores, ctx.tokens, target.id, ctx.clock.now());
  await ctx.stores.users.put(updated);
  auditChanges(ctx, caller, target, body);
  ctx.logger.info(
    {
      userId: target.id,
      by: caller.id,
      fields: Object.keys(body).filter((k) => k !== 'password'),
      passwordReset: body.password !== undefined,
    },
    'user changed',
  );
  return updated;
}

/** Zones must belong to the user's facilities, as at creation. */
async function assertZonesOf(ctx: GatewayContext, target: UserRecord, zoneIds: string[]): Promise<void> {
  const zones = new Set<string>();
  for (const fid of target.facilityIds) {
    for (const z of (await ctx.stores.facilities.get(fid))?.zones ?? []) zones.add(z.id);
  }
  const unknown = zoneIds.find((z) => !zones.has(z));
  if (unknown !== undefined) throw badRequest(`zone ${unknown} is not in the user's facilities`);
}

/**
 * Issue 13: each kind of change is its own audit action (who, role, when; the account in `detail`),
 * so "who disabled her?" or "who reset his password?" is one filter. The new password is never written.
 */
function auditChanges(ctx: GatewayContext, caller: AuthUser, target: UserRecord, body: UpdateUserRequest): void {
  const account = `account ${target.id} (${target.role})`;
  if (body.disabled === true && !target.disabled) ctx.audit.recordAccount(caller, target, 'account.disable', account);
  if (body.disabled === false && target.disabled)
    ctx.audit.recordAccount(
      caller,
      target,
      'account.enable',
      `${account}; tokens issued before the disable stay refused`,
    );
  if (body.password !== undefined)
    ctx.audit.recordAccount(caller, target, 'account.password', `${account}; every token revoked`);
  const changed = (['name', 'zoneIds'] as const).filter((k) => body[k] !== undefined);
  if (changed.length > 0)
    ctx.audit.recordAccount(caller, target, 'account.update', `${account}: ${changed.join(', ')} changed`);
}
