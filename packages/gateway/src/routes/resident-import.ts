import { Id, ImportResidentRequest, type Resident } from '@vigil/contracts';
import { bundlePatients, fhirProblemsInTurns, importedBaselines, importedPoints, residentIdOf } from '@vigil/fhir';
import { newId } from '@vigil/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { canSeeVitals } from '../access.ts';
import { userOf } from '../auth-guard.ts';
import type { GatewayContext, RouteOptions } from '../context.ts';
import { badRequest, conflict } from '../errors.ts';
import { residentWithoutHealth } from '../health-redaction.ts';
import { commitImport } from './import-commit.ts';
import { facilityToProvision } from './provisioning.ts';
import { assertValidCarePlan } from './residents.ts';

/** A FHIR R4 Bundle (@medplum/fhirtypes, as @vigil/fhir reads it). */
type FhirBundle = Parameters<typeof importedPoints>[0];

/**
 * An import's body may be this large. A FHIR export is verbose (~6 KiB a minute of a wristband with a
 * cuff) and checking it against the R4 profiles costs ~10 ms of CPU an entry, so the bound is about
 * 6 hours at 1 min, or a week at 1 h; a longer stay is exported with a larger `step`.
 */
export const IMPORT_BODY_LIMIT_BYTES = 2 * 1024 * 1024;
/** At most this many readings (a resident's share of the in-memory history, `MemoryVitalsHistory`). */
export const MAX_IMPORT_POINTS = 20_000;
/** Readings from further ahead than this (device clocks drift) are refused: history is of the past. */
const FUTURE_SLACK_MS = 5 * 60_000;
/** At most this many of the validator's problems go back in the 400 (the first ones). */
const MAX_PROBLEMS = 100;

/**
 * `POST /api/residents/import` (contract §4.1, issue 15 item 4): a resident arriving from another
 * deployment, with the FHIR R4 Bundle its old facility exported (`GET /api/residents/{id}/fhir`) and
 * the resident's consent. Creates the resident, writes the bundle's vital-sign readings into their
 * history in time order, seeds their rule memory with the personal baselines it carries, and audits
 * `resident.import` at the new facility; all of it or, on a failure, nothing (503 `unavailable`,
 * import-commit.ts). Who: admins, and managers of the facility the resident arrives at (a facility of
 * someone else's is 404).
 */
export const residentImportRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  app.post(
    '/import',
    { bodyLimit: IMPORT_BODY_LIMIT_BYTES, schema: { body: ImportResidentRequest } },
    async (req, reply) => {
      const user = userOf(req);
      const body = req.body;
      await facilityToProvision(ctx, user, body.facilityId, body.zoneId);
      if (body.carePlan) await assertValidCarePlan(ctx, body.facilityId, body.carePlan);
      const bundle = body.bundle as unknown as FhirBundle;
      const problems = await fhirProblemsInTurns(bundle);
      if (problems.length > 0)
        throw badRequest(
          `the bundle is not valid FHIR R4: ${problems.length} problem(s), the first: ${problems[0]?.path} ${problems[0]?.message}`,
          problems.slice(0, MAX_PROBLEMS),
        );
      const patients = bundlePatients(bundle);
      if (patients.length !== 1)
        throw badRequest(`the bundle must carry exactly one Patient, it carries ${patients.length}`);
      const points = importedPoints(bundle);
      if (points.length > MAX_IMPORT_POINTS)
        throw badRequest(`more than ${MAX_IMPORT_POINTS} readings: export with a larger step`);
      const last = points.at(-1);
      if (last && last.ts > ctx.clock.now() + FUTURE_SLACK_MS)
        throw badRequest(`a reading from the future (${new Date(last.ts).toISOString()})`);
      const { restingHr } = importedBaselines(bundle);
      if (restingHr && restingHr.lastTs > ctx.clock.now() + FUTURE_SLACK_MS)
        throw badRequest(`a baseline learned in the future (${new Date(restingHr.lastTs).toISOString()})`);
      const baselines = restingHr && ctx.ruleMemory ? ['hr' as const] : [];

      // The old deployment's id, only when it is one (it goes into the audit and the answer; a foreign
      // system's identifier could be anything, a name even).
      const exportedId = residentIdOf(patients[0] as NonNullable<(typeof patients)[0]>);
      const fromId = exportedId !== undefined && Id.safeParse(exportedId).success ? exportedId : undefined;
      const id = body.id ?? (await freeId(ctx, fromId)) ?? newId('res');
      if (await ctx.stores.residents.get(id)) throw conflict(`resident ${id} already exists`);
      const resident: Resident = {
        id,
        facilityId: body.facilityId,
        name: body.name,
        zoneId: body.zoneId,
        roomId: body.roomId,
        carePlan: body.carePlan ?? {},
        consent: { ...body.consent },
      };
      // All or nothing: history, baseline, and the resident last (import-commit.ts).
      await commitImport(ctx, resident, points, restingHr);
      // Ids and a count only: the readings are health data.
      ctx.audit.record(
        user,
        resident,
        'resident.import',
        'allowed',
        `from ${fromId ?? 'unnamed patient'}; ${points.length} readings; baselines ${baselines.join(', ') || 'none'}`,
      );
      req.log.info(
        { residentId: id, from: fromId, readings: points.length, baselines: baselines.length, by: user.id },
        'resident imported',
      );
      // The care plan as the consent just given lets this user see it (as a transfer answers).
      const shown = canSeeVitals(user, resident) ? resident : residentWithoutHealth(resident);
      return reply
        .status(201)
        .send({ resident: shown, imported: { readings: points.length, from: fromId ?? null, baselines } });
    },
  );
};

/** The exported resident's id when it is not taken here (ids are per deployment). */
async function freeId(ctx: GatewayContext, id: string | undefined): Promise<string | undefined> {
  if (id === undefined) return undefined;
  return (await ctx.stores.residents.get(id)) ? undefined : id;
}
