/**
 * Artefact filtering (clinical.md): a value that jumps further from the last accepted one than
 * physiology allows between two samples seconds apart is a sensor artefact (motion, a loose probe),
 * not an alarm. A real change is sustained: when the next sample agrees with the suspect value, the
 * new level is accepted from then on. Pure: the caller keeps the state per resident and vital.
 */

export interface ArtefactState {
  /** The last accepted value. */
  good?: { v: number; ts: number };
  /** A rejected value the next sample may confirm. */
  suspect?: { v: number; ts: number };
}

/** Jumps are only judged between samples this close; after a longer gap anything may have changed. */
export const ARTEFACT_WINDOW_MS = 30_000;

export interface ArtefactVerdict {
  accepted: boolean;
  state: ArtefactState;
}

export function filterArtefact(state: ArtefactState, v: number, ts: number, maxJump: number): ArtefactVerdict {
  const { good, suspect } = state;
  // A late sample (older than the last accepted) is judged against nothing: history is not rewritten.
  if (good === undefined || ts <= good.ts || ts - good.ts > ARTEFACT_WINDOW_MS || Math.abs(v - good.v) <= maxJump) {
    return { accepted: true, state: ts >= (good?.ts ?? Number.NEGATIVE_INFINITY) ? { good: { v, ts } } : state };
  }
  if (suspect !== undefined && ts - suspect.ts <= ARTEFACT_WINDOW_MS && Math.abs(v - suspect.v) <= maxJump) {
    return { accepted: true, state: { good: { v, ts } } };
  }
  return { accepted: false, state: { good, suspect: { v, ts } } };
}
