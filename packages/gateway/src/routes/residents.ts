import { fieldChanges } from '../field-changes.ts';
import {
  CarePlan,
  ConsentRequest,
  ruleSettingsProblems,
  CreateResidentRequest,
  DEFAULT_CONSENT,
  Id,
  type Resident,
  THRESHOLD_VITALS,
} from '@vigil/contracts';
import { linkNext, PageParams, pageById, pageQuery } from '../paging.ts';
import { QueryTime, QueryWindow } from '../query-time.ts';
import {
  effectiveCriticalLimits,
  effectiveVitalRules,
  healthReport,
  news2FromLatest,
  type RiskAnnouncements,
  reportBaselines,
} from '@vigil/rules';
import { riskAnnouncementsKey } from '@vigil/engine';
import { newId } from '@vigil/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canSeeHealth, canSeeVitals } from '../access.ts';
import { type ResidentView, residentWithoutHealth } from '../health-redaction.ts';
import type { AuditNote } from '../audit.ts';
import { type AuthUser, requireRole, userOf } from '../auth-guard.ts';
import type { GatewayContext, RouteOptions } from '../context.ts';
import { emergencyNote, vitalsAccess } from '../emergency-access.ts';
import { badRequest, conflict, forbidden, notFound } from '../errors.ts';
import { assertInScope, facilityScope, scopeOf } from '../scope.ts';
import { IdParams } from './facilities.ts';
import { facilityToProvision } from './provisioning.ts';
import { boundedStep, toVitalsResponse } from './vitals-view.ts';

/**
 * A resident the user's facilities hold, else 404 (contract §4.2: existence never leaks). Whether the
 * user may reach this resident at all (`scope.ts`) is asked inside each route's audit, so a refusal
 * (a resident reading someone else) is recorded as denied.
 */
export async function loadResident(ctx: GatewayContext, user: AuthUser, id: string): Promise<Resident> {
  const resident = await ctx.stores.residents.get(id);
  if (!resident || scopeOf(user, { kind: 'resident', resident }) === 'other_facility') throw notFound(`resident ${id}`);
  return resident;
}

/** 403 for a resident in the user's facility but outside their view (scope.ts `residentInView`). */
export const assertResidentInScope = (user: AuthUser, resident: Resident) =>
  assertInScope(user, { kind: 'resident', resident }, `resident ${resident.id}`);

/**
 * A care plan is checked as a whole against the facility's current rules, as the engine applies it
 * (threshold overrides, own waking hours), so an override cannot invert a pair; 400 otherwise, with
 * paths naming the care-plan field (`thresholds.hr.high`).
 */
export async function assertValidCarePlan(ctx: GatewayContext, facilityId: string, carePlan: CarePlan): Promise<void> {
  const settings = await ctx.ruleSettings.get(facilityId);
  const vitals = effectiveVitalRules(carePlan, settings.vitals);
  // The facility's critical limits move with the care plan's tiers; the care plan's own must fit them.
  const moved = effectiveCriticalLimits(settings.criticalLimits, { ...carePlan, criticalLimits: undefined }, vitals);
  const own = carePlan.criticalLimits ?? {};
  const criticalLimits = { ...settings.criticalLimits };
  for (const v of THRESHOLD_VITALS) criticalLimits[v] = { ...moved[v], ...definedOnly(own[v] ?? {}) };
  const problems = ruleSettingsProblems({
    ...settings,
    vitals,
    criticalLimits,
    inactivity: { ...settings.inactivity, ...definedOnly(carePlan.inactivity ?? {}) },
  }).map((p) => ({ ...p, path: p.path.replace(/^vitals\./, 'thresholds.') }));
  if (problems.length > 0)
    throw badRequest(`invalid care plan: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
}

const VitalsQuery = z.object({
  from: QueryTime.optional(),
  to: QueryTime.optional(),
  step: z.coerce.number().int().min(1000).max(86_400_000).optional(),
});
export const MAX_RANGE_MS = 31 * 24 * 3600_000;

const STAFF = ['admin', 'manager', 'caregiver', 'medical'] as const;

/**
 * Vitals and reports: the resident's consent, then the caregiver's zones (contract §4.2, §4.3), and
 * where those refuse, emergency access (§4.3: a responder to an open `high` alert about them). Returns
 * the audit note: none for consent (the role's purpose), purpose `emergency` with the alert and task.
 */
export async function assertHealthAccess(
  ctx: GatewayContext,
  user: AuthUser,
  resident: Resident,
): Promise<AuditNote | undefined> {
  const access = await vitalsAccess(ctx.stores, user, resident);
  switch (access.via) {
    case 'consent':
      return undefined;
    case 'emergency':
      return emergencyNote(access.grant);
    case 'none':
      throw access.reason === 'zones'
        ? forbidden('the resident lives outside your zones')
        : forbidden("the resident's consent does not cover your role");
  }
}

/** Residents (contract §4.1), their vitals under consent (§4.3) and their consent itself. */
export const residentRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const { residents } = ctx.stores;

  app.post('/', { schema: { body: CreateResidentRequest } }, async (req, reply) => {
    const user = userOf(req);
    const body = req.body;
    await facilityToProvision(ctx, user, body.facilityId, body.zoneId);
    if (body.carePlan) await assertValidCarePlan(ctx, body.facilityId, body.carePlan);
    const id = body.id ?? newId('res');
    if (await residents.get(id)) throw conflict(`resident ${id} already exists`);
    const resident: Resident = {
      id,
      facilityId: body.facilityId,
      name: body.name,
      zoneId: body.zoneId,
      roomId: body.roomId,
      carePlan: body.carePlan ?? {},
      consent: { ...DEFAULT_CONSENT },
    };
    await residents.put(resident);
    return reply.status(201).send(resident);
  });

  // In id order, a page at a time (docs/api.md "Paging").
  app.get(
    '/',
    { schema: { querystring: z.object({ facilityId: Id.optional(), ...PageParams }) } },
    async (req, reply) => {
      const user = userOf(req);
      requireRole(user, ...STAFF);
      const scope = facilityScope(user, req.query.facilityId);
      const all = await residents.list();
      const page = pageById(
        all.filter((r) => scope === undefined || scope.includes(r.facilityId)),
        pageQuery('residents', req.query),
      );
      linkNext(req, reply, 'residents', page.next);
      // Care plans only where consent and zones let this user see the resident's health (contract
      // §4.2 "lists included"); each one handed out is a `resident.read`.
      return page.items.map((r) => {
        if (!canSeeVitals(user, r)) return residentWithoutHealth(r);
        ctx.audit.record(user, r, 'resident.read', 'allowed', 'list');
        return r;
      });
    },
  );

  // The record carries the care plan (thresholds, oxygen): audited as `resident.read`.
  app.get('/:id', { schema: { params: IdParams } }, async (req) => {
    const user = userOf(req);
    const resident = await loadResident(ctx, user, req.params.id);
    let note: AuditNote | undefined;
    return ctx.audit.around(
      user,
      resident,
      'resident.read',
      async (): Promise<ResidentView> => {
        // Residents see only their own record; maintenance staff no one's (scope.ts `residentInView`).
        assertResidentInScope(user, resident);
        // The care plan as vitals: consent and zones, or an emergency (contract §4.2, §4.3).
        const access = await vitalsAccess(ctx.stores, user, resident);
        if (access.via === 'none') {
          note = 'care plan withheld';
          return residentWithoutHealth(resident);
        }
        if (access.via === 'emergency') note = emergencyNote(access.grant);
        return resident;
      },
      () => note,
    );
  });

  app.get('/:id/vitals', { schema: { params: IdParams, querystring: VitalsQuery } }, async (req) => {
    const user = userOf(req);
    const resident = await loadResident(ctx, user, req.params.id);
    let note: AuditNote | undefined;
    return ctx.audit.around(
      user,
      resident,
      'vitals.read',
      async () => {
        assertResidentInScope(user, resident);
        note = await assertHealthAccess(ctx, user, resident);
        const to = req.query.to ?? ctx.clock.now();
        const from = req.query.from ?? to - 3600_000;
        if (from > to) throw badRequest('from must not be after to');
        if (to - from > MAX_RANGE_MS) throw badRequest('range longer than 31 days');
        const [latest, points] = await Promise.all([
          ctx.stores.vitals.latest(resident.id),
          ctx.stores.vitals.range(resident.id, from, to),
        ]);
        // NEWS2 as of now: a value past its freshness window no longer counts (it shows as missing).
        const news2 = latest && news2FromLatest(latest, resident.carePlan, ctx.clock.now());
        const step = req.query.step ?? boundedStep(from, to, points.length);
        return toVitalsResponse(resident.id, latest, points, step, news2);
      },
      () => note,
    );
  });

  // A care plan is a clinical decision: the facility's managers, or medical staff the resident's
  // consent lets see their health data. Validated against the facility's rules as a whole, so an
  // override cannot invert a threshold pair; every change bumps `carePlanVersion`.
  app.put('/:id/care-plan', { schema: { params: IdParams, body: CarePlan } }, async (req) => {
    const user = userOf(req);
    const resident = await loadResident(ctx, user, req.params.id);
    const updated = await ctx.audit.around(
      user,
      resident,
      'care_plan.change',
      async () => {
        assertResidentInScope(user, resident);
        requireRole(user, 'admin', 'manager', 'medical');
        if (user.role === 'medical' && !canSeeHealth(user, resident))
          throw forbidden("the resident's consent does not cover your role");
        await assertValidCarePlan(ctx, resident.facilityId, req.body);
        const changed = await residents.setCarePlan(resident.id, req.body);
        if (!changed) throw notFound(`resident ${resident.id}`);
        return changed;
      },
      // Issue 14: names the fields changed, never their values (a care plan is health data).
      (changed) =>
        `carePlanVersion ${changed.carePlanVersion ?? 1}; changed ${
          fieldChanges(resident.carePlan ?? {}, req.body)
            .map((c) => c.path)
            .join(', ') || 'nothing'
        }`,
    );
    ctx.logger.info(
      { residentId: resident.id, carePlanVersion: updated.carePlanVersion, by: user.id },
      'care plan changed',
    );
    return updated;
  });

  // Short-term health status assessment (contract §4.4): same access as vitals, default last 24 h.
  // `window` (e.g. 24h) back from `to`, or an explicit `from` (contract §4.1); not both.
  const ReportQuery = z.object({
    from: QueryTime.optional(),
    to: QueryTime.optional(),
    window: QueryWindow.optional(),
  });
  app.get('/:id/report', { schema: { params: IdParams, querystring: ReportQuery } }, async (req) => {
    const user = userOf(req);
    const resident = await loadResident(ctx, user, req.params.id);
    let note: AuditNote | undefined;
    return ctx.audit.around(
      user,
      resident,
      'report.read',
      async () => {
        assertResidentInScope(user, resident);
        note = await assertHealthAccess(ctx, user, resident);
        if (req.query.window !== undefined && req.query.from !== undefined)
          throw badRequest('give either window or from, not both');
        const to = req.query.to ?? ctx.clock.now();
        const from = req.query.from ?? to - (req.query.window ?? 24 * 3600_000);
        if (from > to) throw badRequest('from must not be after to');
        if (to - from > MAX_RANGE_MS) throw badRequest('range longer than 31 days');
        const [points, alerts, settings, memory, announced] = await Promise.all([
          ctx.stores.vitals.range(resident.id, from, to),
          ctx.stores.alerts.list({ residentId: resident.id }),
          ctx.ruleSettings.get(resident.facilityId),
          ctx.ruleMemory?.read(resident.id),
          // The risk levels pushed as `report.updated`: the report's risk is the same damped level.
          ctx.stores.ruleState.get<RiskAnnouncements>(riskAnnouncementsKey(resident.id)),
        ]);
        const report = healthReport({
          residentId: resident.id,
          from,
          to,
          points,
          alerts,
          carePlan: resident.carePlan,
          settings,
          announced,
        });
        // Issue 15 item 1: the personal baselines the rules hold for the resident now.
        return { ...report, baselines: reportBaselines(memory, settings, resident.carePlan) };
      },
      () => note,
    );
  });

  app.put('/:id/consent', { schema: { params: IdParams, body: ConsentRequest } }, async (req) => {
    const user = userOf(req);
    const resident = await loadResident(ctx, user, req.params.id);
    const asked = definedOnly(req.body);
    // What was asked for, e.g. `manager=true location=false` (choices, not health values).
    const detail =
      Object.entries(asked)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || undefined;
    const updated = await ctx.audit.around(
      user,
      resident,
      'consent.change',
      async () => {
        assertResidentInScope(user, resident);
        // The resident themself, or an admin on their written behalf (contract §4.1).
        const self = user.role === 'resident' && user.residentId === resident.id;
        if (!self && user.role !== 'admin')
          throw forbidden('only the resident (or an admin on their behalf) may change consent');
        const consent = { ...resident.consent, ...asked };
        await residents.setConsent(resident.id, consent);
        return { ...resident, consent };
      },
      detail,
    );
    // Location consent withdrawn: the stored locations it kept go too (engine location-retention.ts);
    // an open high alert keeps its own for its responders until it resolves (contract §4.3).
    if (!updated.consent.location) await ctx.alerts.forgetLocations(updated.id);
    await ctx.realtime.consentChanged(updated);
    // An admin acting on the resident's behalf sees the care plan only as the consent now allows.
    return canSeeVitals(user, updated) ? updated : residentWithoutHealth(updated);
  });
};

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
