import { CreateUserRequest, DutyRequest, Id, type PublicUser } from '@vigil/contracts';
import { hashSecret } from '@vigil/auth';
import { newId } from '@vigil/runtime';
import type { UserRecord } from '@vigil/stores';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AuthUser, assertFacility, facilityScope, inFacility, requireRole, userOf } from '../auth-guard.ts';
import type { GatewayContext, RouteOptions } from '../context.ts';
import { badRequest, conflict, forbidden, notFound } from '../errors.ts';
import { linkNext, PageParams, pageById, pageQuery } from '../paging.ts';
import { userInScope } from '../scope.ts';
import { IdParams } from './facilities.ts';

/** The API never shows a password hash (contract §4.1). */
export function toPublicUser({ passwordHash: _hash, ...user }: UserRecord): PublicUser {
  return user;
}

/** Users (contract §4.1, §4.2): admins create anyone; managers create non-admin users of their facilities. */
export const userRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const { users } = ctx.stores;

  app.post('/', { schema: { body: CreateUserRequest } }, async (req, reply) => {
    const user = userOf(req);
    requireRole(user, 'admin', 'manager');
    const body = req.body;
    if (user.role === 'manager') {
      if (body.role === 'admin') throw forbidden('a manager cannot create admins');
      if (body.facilityIds.length === 0) throw forbidden('a manager creates users of their own facilities');
    }
    await checkReferences(ctx, user, body);
    const id = body.id ?? newId('usr');
    if (await users.get(id)) throw conflict(`user ${id} already exists`);
    const record: UserRecord = {
      id,
      username: body.username,
      name: body.name,
      role: body.role,
      facilityIds: [...new Set(body.facilityIds)],
      ...(body.zoneIds !== undefined && { zoneIds: body.zoneIds }),
      ...(body.residentId !== undefined && { residentId: body.residentId }),
      onDuty: false,
      passwordHash: await hashSecret(body.password),
    };
    // The store rejects a taken username with ConflictError → 409 conflict.
    await users.put(record);
    return reply.status(201).send(toPublicUser(record));
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
    const updated = { ...target, onDuty: req.body.onDuty };
    await users.put(updated);
    return toPublicUser(updated);
  });
};

/** Facilities, zones and the linked resident must exist and be within the creator's reach. */
async function checkReferences(ctx: GatewayContext, user: AuthUser, body: CreateUserRequest) {
  const zones = new Set<string>();
  for (const fid of body.facilityIds) {
    assertFacility(user, fid, `facility ${fid}`);
    const facility = await ctx.stores.facilities.get(fid);
    if (!facility) throw notFound(`facility ${fid}`);
    for (const z of facility.zones) zones.add(z.id);
  }
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
