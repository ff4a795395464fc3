import { exportBundle } from '@vigil/fhir';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditNote } from '../audit.ts';
import { userOf } from '../auth-guard.ts';
import type { RouteOptions } from '../context.ts';
import { badRequest } from '../errors.ts';
import { QueryTime } from '../query-time.ts';
import { IdParams } from './facilities.ts';
import { assertHealthAccess, assertResidentInScope, loadResident, MAX_RANGE_MS } from './residents.ts';

const FhirQuery = z.object({
  from: QueryTime.optional(),
  to: QueryTime.optional(),
  /** At most one reading per vital per step, the last (contract §4.4); default 1 min. */
  step: z.coerce.number().int().min(1000).max(86_400_000).optional(),
});

/**
 * One export holds at most this many steps (a week at the default minute): a month at 1 min would be
 * ~270,000 resources in one answer. Past it, a larger `step` or a shorter window is asked for.
 */
export const MAX_FHIR_STEPS = 7 * 24 * 60;

/**
 * `GET /api/residents/{id}/fhir?from&to&step` (contract §4.4): the resident's vitals, NEWS2, devices
 * and learned personal baselines as a FHIR R4 Bundle for a hospital or another deployment. Who may export, consent and audit are the report's; the answer is
 * `application/fhir+json`.
 */
export const residentFhirRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  app.get('/:id/fhir', { schema: { params: IdParams, querystring: FhirQuery } }, async (req, reply) => {
    const user = userOf(req);
    const resident = await loadResident(ctx, user, req.params.id);
    let note: AuditNote | undefined;
    const bundle = await ctx.audit.around(
      user,
      resident,
      'fhir.export',
      async () => {
        assertResidentInScope(user, resident);
        note = await assertHealthAccess(ctx, user, resident);
        const to = req.query.to ?? ctx.clock.now();
        const from = req.query.from ?? to - 24 * 3600_000;
        const stepMs = req.query.step ?? 60_000;
        if (from > to) throw badRequest('from must not be after to');
        if (to - from > MAX_RANGE_MS) throw badRequest('range longer than 31 days');
        if ((to - from) / stepMs > MAX_FHIR_STEPS)
          throw badRequest(`more than ${MAX_FHIR_STEPS} steps: choose a larger step or a shorter range`);
        const [points, devices, memory] = await Promise.all([
          ctx.stores.vitals.range(resident.id, from, to),
          ctx.stores.devices.list({ residentId: resident.id }),
          ctx.ruleMemory?.read(resident.id),
        ]);
        // The baselines learned so far travel with any window (issue 15: an importer starts with them).
        const baselines = { restingHr: memory?.baseline };
        return exportBundle({ resident, devices, points, from, to, stepMs, now: ctx.clock.now(), baselines });
      },
      () => note,
    );
    return reply.type('application/fhir+json').send(bundle);
  });
};
