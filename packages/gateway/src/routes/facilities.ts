import {
  CreateFacilityRequest,
  type Facility,
  type FacilityPolicy,
  FacilityPolicyPatch,
  Id,
  RuleSettingsPatch,
} from '@vigil/contracts';
import { newId } from '@vigil/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole, userOf } from '../auth-guard.ts';
import { assertFacility } from '../scope.ts';
import { describeChanges, fieldChanges } from '../field-changes.ts';
import type { RouteOptions } from '../context.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { linkNext, PageParams, pageById, pageQuery } from '../paging.ts';

export const IdParams = z.object({ id: Id });

/** The policy's settings without its version stamp, for comparing two versions. */
const policyBody = ({ facilityId: _f, version: _v, updatedAt: _a, updatedBy: _b, ...body }: FacilityPolicy) => body;

/** Facilities (contract §4.1): admins provision them; everyone sees the facilities they belong to. */
export const facilityRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const { facilities } = ctx.stores;

  app.post('/', { schema: { body: CreateFacilityRequest } }, async (req, reply) => {
    requireRole(userOf(req), 'admin');
    const { id = newId('fac'), name, zones } = req.body;
    const zoneIds = zones.map((z) => z.id);
    if (new Set(zoneIds).size !== zoneIds.length) throw badRequest('zone ids must be unique');
    if (await facilities.get(id)) throw conflict(`facility ${id} already exists`);
    const facility: Facility = { id, name, zones };
    await facilities.put(facility);
    return reply.status(201).send(facility);
  });

  // In id order, a page at a time (docs/api.md "Paging").
  app.get('/', { schema: { querystring: z.object(PageParams) } }, async (req, reply) => {
    const user = userOf(req);
    const all = await facilities.list();
    const page = pageById(
      user.role === 'admin' ? all : all.filter((f) => user.facilityIds.includes(f.id)),
      pageQuery('facilities', req.query),
    );
    linkNext(req, reply, 'facilities', page.next);
    return page.items;
  });

  app.get('/:id', { schema: { params: IdParams } }, async (req) => {
    const { id } = req.params;
    assertFacility(userOf(req), id, `facility ${id}`);
    const facility = await facilities.get(id);
    if (!facility) throw notFound(`facility ${id}`);
    return facility;
  });

  // Clinical rule settings (issue 3): every member of staff may read why alerts fire; admins and
  // managers change them. A partial body changes only the fields it names; the version goes up.
  app.get('/:id/rules', { schema: { params: IdParams } }, async (req) => {
    const { id } = req.params;
    const user = userOf(req);
    assertFacility(user, id, `facility ${id}`);
    requireRole(user, 'admin', 'manager', 'caregiver', 'medical');
    if (!(await facilities.get(id))) throw notFound(`facility ${id}`);
    return ctx.ruleSettings.get(id);
  });

  app.put('/:id/rules', { schema: { params: IdParams, body: RuleSettingsPatch } }, async (req) => {
    const { id } = req.params;
    const user = userOf(req);
    assertFacility(user, id, `facility ${id}`);
    requireRole(user, 'admin', 'manager');
    if (!(await facilities.get(id))) throw notFound(`facility ${id}`);
    const updated = await ctx.ruleSettings.update(id, req.body, user.id);
    ctx.logger.info({ facilityId: id, version: updated.version, by: user.id }, 'rule settings changed');
    return updated;
  });

  // Dispatch and SLA policy (issue 4, contract §4.1): limits, escalation steps and the pattern
  // warnings. Admins and managers read and change it; validated as a whole and versioned like the rules.
  app.get('/:id/policy', { schema: { params: IdParams } }, async (req) => {
    const { id } = req.params;
    const user = userOf(req);
    assertFacility(user, id, `facility ${id}`);
    requireRole(user, 'admin', 'manager');
    if (!(await facilities.get(id))) throw notFound(`facility ${id}`);
    return ctx.policy.get(id);
  });

  app.put('/:id/policy', { schema: { params: IdParams, body: FacilityPolicyPatch } }, async (req) => {
    const { id } = req.params;
    const user = userOf(req);
    assertFacility(user, id, `facility ${id}`);
    requireRole(user, 'admin', 'manager');
    if (!(await facilities.get(id))) throw notFound(`facility ${id}`);
    // Problems (a complete limit under its accept limit, a repeated step) → DomainError invalid_input → 400.
    const before = await ctx.policy.get(id);
    const updated = await ctx.policy.update(id, req.body, user.id);
    if (updated.version !== before.version) {
      // Issue 14: audited with the before and after of each changed field (limits are not health data).
      const changes = fieldChanges(policyBody(before), policyBody(updated));
      const detail = `version ${before.version}→${updated.version}: ${describeChanges(changes)}`;
      ctx.audit.recordFacility(user, id, 'policy.change', detail);
    }
    ctx.logger.info({ facilityId: id, version: updated.version, by: user.id }, 'dispatch policy changed');
    return updated;
  });

  // Every version of the policy, newest first (issue 14: versioned, so a manager can see what was in
  // force when, and who changed it).
  app.get('/:id/policy/history', { schema: { params: IdParams } }, async (req) => {
    const { id } = req.params;
    const user = userOf(req);
    assertFacility(user, id, `facility ${id}`);
    requireRole(user, 'admin', 'manager');
    if (!(await facilities.get(id))) throw notFound(`facility ${id}`);
    return ctx.policy.history(id);
  });
};
