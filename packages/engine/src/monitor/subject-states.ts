import type { ResidentMemory } from '@vigil/rules';
import type { Tracks } from './condition-tracker.ts';

/** What the rules remember per subject (a resident, or a room sensor). */
export interface SubjectState {
  memory?: ResidentMemory;
  tracks: Tracks;
}

/**
 * Where a subject's rule memory lives while its messages are judged. `run` hands `fn` the state,
 * keeps what `fn` changed, and never runs two calls for one subject at once.
 */
export interface SubjectStates {
  run<T>(key: string, fn: (state: SubjectState) => Promise<T>): Promise<T>;
}

/**
 * Held in this process by the owner of the subjects' partitions (issue 12): no store round trip and
 * no lock per message. `mapOf` gives the map of the partition a subject belongs to (one map for all
 * by default). Calls for one subject already come one at a time from the partition's loop; the chain
 * only guards callers outside it.
 */
export class OwnedSubjectStates implements SubjectStates {
  private readonly busy = new Map<string, Promise<unknown>>();
  private readonly mapOf: (key: string) => Map<string, SubjectState>;

  constructor(mapOf?: (key: string) => Map<string, SubjectState>) {
    const single = new Map<string, SubjectState>();
    this.mapOf = mapOf ?? (() => single);
  }

  async run<T>(key: string, fn: (state: SubjectState) => Promise<T>): Promise<T> {
    const before = this.busy.get(key);
    if (before) await before.catch(() => undefined); // its failure was reported to its own caller
    const states = this.mapOf(key);
    let state = states.get(key);
    if (!state) {
      state = { tracks: {} };
      states.set(key, state);
    }
    const running = fn(state);
    this.busy.set(key, running);
    try {
      return await running;
    } finally {
      if (this.busy.get(key) === running) this.busy.delete(key);
    }
  }
}
