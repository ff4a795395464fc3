import { CreateUserRequest, DutyRequest, Id, type PublicUser, type Role, UpdateUserRequest } from '@vigil/contracts';
import { hashSecret } from '@vigil/auth';
import { newId } from '@vigil/runtime';
import type { UserRecord } from '@vigil/stores';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptedUsername, assertPasswordAccepted } from '../account-policy.ts';
import { type AuthUser, requireRole, userOf } from '../auth-guard.ts';
import type { GatewayContext, RouteOptions } from '../context.ts';
import { badRequest, conflict, forbidden, notFound } from '../errors.ts';
import { linkNext, PageParams, pageById, pageQuery } from '../paging.ts';
import { assertFacility, facilityScope, inFacility, userInScope } from '../scope.ts';
import { IdParams } from './facilities.ts';
import { updateUser } from './user-update.ts';

/** The API never shows a password hash (contract §4.1). */
export function toPublicUser({ passwordHash: _hash, ...user }: UserRecord): PublicUser {
  return user;
}

/** Users (contract §4.1, §4.2): admins create anyone; managers create non-admin users of their facilities. */
export const userRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const { users } = ctx.stores;

  app.post('/', { schema: { body: CreateUserRequest } }, async (req, reply) => {
    const user = userOf(req);
    const body = req.body;
    // Another facility is 404 before any role question, as for every object (contract §4.2).
    for (const fid of body.facilityIds) assertFacility(user, fid, `facility ${fid}`);
    requireRole(user, 'admin', 'manager');
    if (user.role === 'manager') {
      if (body.role === 'admin') throw forbidden('a manager cannot create admins');
      if (body.facilityIds.length === 0) throw forbidden('a manager creates users of their own facilities');
    }
    const username = acceptedUsername(body.username);
    assertPasswordAccepted(body.password);
    await checkReferences(ctx, user, body);
    const id = body.id ?? newId('usr');
    const pending = needsApproval(user, body.role);
    const record: UserRecord = {
      id,
      username,
      name: body.name,
      role: body.role,
      facilityIds: [...new Set(body.facilityIds)],
      ...(body.zoneIds !== undefined && { zoneIds: body.zoneIds }),
      ...(body.residentId !== undefined && { residentId: body.residentId }),
      onDuty: false,
      ...(pending && { pendingApproval: true as const }),
      createdBy: user.id,
      passwordHash: await hashSecret(body.password),
    };
    const store = async () => {
      if (await users.get(id)) throw conflict(`user ${id} already exists`);
      if (body.residentId !== undefined) await assertNoResidentAccount(ctx, body.residentId);
      // The store rejects a taken username with ConflictError → 409 conflict.
      await users.put(record);
    };
    // One account per resident (contract §4.1): two admins racing for the same resident are serialised.
    if (body.residentId !== undefined) await ctx.stores.locks.run(`resident-account:${body.residentId}`, store);
    else await store();
    // Issue 13: every account is audited with who made it; a clinical account a manager made is
    // flagged there (and in the process log), where the admin who must approve it looks.
    ctx.audit.recordAccount(user, record, 'account.create', accountCreatedDetail(record, pending));
    if (pending) {
      req.log.warn(
        { userId: id, role: record.role, createdBy: user.id, facilityIds: record.facilityIds },
        'clinical account created by a manager awaits admin approval',
      );
    }
    return reply.status(201).send(toPublicUser(record));
  });

  app.patch('/:id', { schema: { params: IdParams, body: UpdateUserRequest } }, async (req) =>
    toPublicUser(await updateUser(ctx, userOf(req), req.params.id, req.body)),
  );

  // An admin confirms a clinical account a manager created (issue 13; docs/security.md "Accounts").
  app.post('/:id/approve', { schema: { params: IdParams } }, async (req) => {
    const user = userOf(req);
    const target = await userInScope(ctx, user, req.params.id);
    requireRole(user, 'admin');
    if (!target.pendingApproval) throw conflict(`user ${target.id} does not await approval`);
    const { pendingApproval: _approved, ...rest } = target;
    const approved: UserRecord = { ...rest, approvedBy: user.id };
    await users.put(approved);
    ctx.audit.recordAccount(
      user,
      approved,
      'account.approve',
      `account ${target.id} (${target.role}) approved; created by ${target.createdBy ?? 'unknown'}`,
    );
    req.log.info({ userId: target.id, role: target.role, approvedBy: user.id }, 'clinical account approved');
    return toPublicUser(approved);
  });

  // In id order, a page at a time (docs/api.md "Paging").
  app.get(
    '/',
    { schema: { querystring: z.object({ facilityId: Id.optional(), ...PageParams }) } },
    async (req, reply) => {
      const user = userOf(req);
      requireRole(user, 'admin', 'manager');
      const scope = facilityScope(user, req.query.facilityId);
      const page = pageById(
        (await users.list()).filter((u) => scope === undefined || u.facilityIds.some((f) => scope.includes(f))),
        pageQuery('users', req.query),
      );
      linkNext(req, reply, 'users', page.next);
      // Extension `load`: open tasks (assigned, accepted, in progress) in the listed facilities, the
      // number the roster balances on, so a manager sees who is busy before changing duty.
      const load = new Map<string, number>();
      for (const t of await ctx.stores.tasks.list({
        ...(scope !== undefined && { facilityIds: scope }),
        state: 'active',
      }))
        if (t.assigneeId !== undefined) load.set(t.assigneeId, (load.get(t.assigneeId) ?? 0) + 1);
      return page.items.map((u) => ({ ...toPublicUser(u), load: load.get(u.id) ?? 0 }));
    },
  );

  app.put('/:id/duty', { schema: { params: IdParams, body: DutyRequest } }, async (req) => {
    const user = userOf(req);
    const target = await userInScope(ctx, user, req.params.id);
    // The user themself, a manager of one of their facilities, or an admin (contract §4.1).
    if (target.id !== user.id && user.role !== 'admin' && user.role !== 'manager') {
      throw forbidden('only the user or a manager may change duty');
    }
    // An account awaiting approval gets no tasks: it could not sign in to take them.
    if (target.pendingApproval) throw conflict(`user ${target.id} awaits an admin's approval`);
    const updated = { ...target, onDuty: req.body.onDuty };
    await users.put(updated);
    return toPublicUser(updated);
  });
};

/**
 * Roles that see resident health data under the default consent (contract §4.3: caregiver and medical
 * true). A manager who creates one has made a login that reads what residents never consented to show
 * managers, so such an account waits for an admin (issue 13). Admins create them directly; managers'
 * other accounts (manager, maintenance) see no more than the manager already does.
 */
const CLINICAL_ROLES: ReadonlySet<Role> = new Set(['caregiver', 'medical']);

/** The `account.create` audit detail; the flag is a fixed token, so a search for it finds them all. */
export const MANAGER_CREATED_CLINICAL_FLAG = 'flag manager_created_clinical';

function accountCreatedDetail(record: UserRecord, pending: boolean): string {
  const base = `account ${record.id} (${record.role}) username ${record.username}`;
  return pending ? `${base}; ${MANAGER_CREATED_CLINICAL_FLAG}: awaits admin approval` : base;
}

function needsApproval(creator: AuthUser, role: Role): boolean {
  return creator.role !== 'admin' && CLINICAL_ROLES.has(role);
}

/** At most one `resident` account per resident record (contract §4.1). */
async function assertNoResidentAccount(ctx: GatewayContext, residentId: string): Promise<void> {
  const existing = (await ctx.stores.users.list()).find((u) => u.residentId === residentId);
  if (existing) throw conflict(`resident ${residentId} already has an account`);
}

/**
 * Facilities, zones and the linked resident must exist and be within the creator's reach (another
 * facility: 404). A `resident` account, which sets that resident's consent, is created by an admin
 * only (contract §4.1): a manager who could create one could forge the consent of any resident.
 */
async function checkReferences(ctx: GatewayContext, user: AuthUser, body: CreateUserRequest) {
  const zones = new Set<string>();
  for (const fid of body.facilityIds) {
    assertFacility(user, fid, `facility ${fid}`);
    const facility = await ctx.stores.facilities.get(fid);
    if (!facility) throw notFound(`facility ${fid}`);
    for (const z of facility.zones) zones.add(z.id);
  }
  if (body.role === 'resident' && user.role !== 'admin')
    throw forbidden('a resident account is created by an admin only');
  if (body.role !== 'resident' && body.residentId !== undefined)
    throw badRequest('residentId links a resident account only');
  const unknownZone = body.zoneIds?.find((z) => !zones.has(z));
  if (unknownZone !== undefined) throw badRequest(`zone ${unknownZone} is not in the user's facilities`);
  if (body.residentId !== undefined) {
    const resident = await ctx.stores.residents.get(body.residentId);
    if (!resident || !inFacility(user, resident.facilityId) || !body.facilityIds.includes(resident.facilityId)) {
      throw badRequest(`resident ${body.residentId} is not in the user's facilities`);
    }
  }
  if (body.role === 'resident' && body.residentId === undefined) {
    throw badRequest('a resident account needs residentId');
  }
}
