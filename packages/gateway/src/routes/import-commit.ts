import type { Resident } from '@vigil/contracts';
import type { BaselineState } from '@vigil/rules';
import type { GatewayContext } from '../context.ts';
import { ApiError, RETRY_AFTER_S } from '../errors.ts';

/** A reading of an import as the history stores it (`importedPoints`). */
type ImportedPoint = Parameters<GatewayContext['stores']['vitals']['append']>[1];

/** The write of an import that failed (`error.details.step`). */
export type ImportStep = 'history' | 'baseline' | 'resident';

/**
 * An import that could not be completed: 503 `unavailable` (a store or the partition log refused;
 * trying again is the remedy), `details` saying which write failed and whether what had been written
 * was taken back (`rolledBack`), so a client can tell "nothing happened, retry" from a mess.
 */
export const importFailed = (step: ImportStep, rolledBack: boolean) =>
  new ApiError(
    'unavailable',
    `the import did not complete: writing the ${step} failed; ${rolledBack ? 'nothing was kept' : 'part of the history may remain until retention'}, try again`,
    { step, rolledBack, retryAfterS: RETRY_AFTER_S },
  );

/**
 * Writes an imported resident all or nothing (issue 15 item 4): the history, then the baseline seed,
 * then the resident itself. Until that last write nobody can reach what came before it (every route
 * to a resident's history or rule memory goes through the resident, 404 without it), so the resident
 * appearing is the commit. A failure before it takes the history back (`VitalsHistory.erase`) and
 * answers `importFailed`.
 *
 * Why this order: the seed goes through the partition log and cannot be taken back (the owner applies
 * it whenever it reads the log), so it comes as late as it can, just before the commit; the history
 * can be erased. What a failed commit can leave is a seed for an id nobody holds: unreachable, and the
 * same baseline again when the import is retried under that id.
 */
export async function commitImport(
  ctx: GatewayContext,
  resident: Resident,
  points: readonly ImportedPoint[],
  restingHr: BaselineState | undefined,
): Promise<void> {
  let step: ImportStep = 'history';
  try {
    // In time order, as the live path writes them (a TSDB appends; the memory history inserts).
    for (const p of points) await ctx.stores.vitals.append(resident.id, p);
    step = 'baseline';
    // In the log before the 201, so the first reading of any wearable bound afterwards is judged
    // against it (issue 15 "the new facility starts with baselines instead of a blank resident").
    if (restingHr && ctx.ruleMemory) await ctx.ruleMemory.seedBaseline(resident.id, resident.facilityId, restingHr);
    step = 'resident';
    await ctx.stores.residents.put(resident);
  } catch (err) {
    const rolledBack = await eraseHistory(ctx, resident.id, points.length > 0);
    ctx.logger.error({ err, residentId: resident.id, step, rolledBack }, 'resident import failed: rolled back');
    throw importFailed(step, rolledBack);
  }
}

/** Takes back the readings written for an id nobody holds yet; false when some may remain. */
async function eraseHistory(ctx: GatewayContext, residentId: string, wrote: boolean): Promise<boolean> {
  if (!wrote) return true;
  const { vitals } = ctx.stores;
  // A TSDB keeps what it was sent until its retention: nothing to erase it with here.
  if (!vitals.erase) return false;
  try {
    await vitals.erase(residentId);
    return true;
  } catch (err) {
    ctx.logger.error({ err, residentId }, 'rolling back an import: history not erased');
    return false;
  }
}
