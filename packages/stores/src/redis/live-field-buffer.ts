import type { DeviceRecord } from '../types.ts';

export type LiveField = 'state' | 'lastSeenAt' | 'battery' | 'recentIntervalsMs';
export const LIVE_FIELDS: readonly LiveField[] = ['state', 'lastSeenAt', 'battery', 'recentIntervalsMs'];
/** A `touch`: a live field set to undefined is removed (as `Object.assign` leaves it undefined). */
export type LivePatch = Partial<Pick<DeviceRecord, LiveField>>;

/** The record with `patch` applied, as a new object (the record may be a frozen snapshot). */
export function withPatch<T extends LivePatch>(record: T, patch: LivePatch): T {
  const out = { ...record };
  for (const f of LIVE_FIELDS) {
    if (!Object.hasOwn(patch, f)) continue;
    const v = patch[f];
    if (v === undefined) delete out[f];
    else Object.assign(out, { [f]: v });
  }
  return out;
}

/**
 * Device live-field patches not yet in Redis, coalesced per device (the newest value of each field
 * wins). `begin` hands the pending ones to a write-out and keeps them readable (`overlay`) until it
 * `end`s; one that failed goes back under what was buffered since.
 */
export class LiveFieldBuffer {
  private pending = new Map<string, LivePatch>();
  private writing = new Map<string, LivePatch>();

  add(id: string, patch: LivePatch): void {
    const earlier = this.pending.get(id);
    this.pending.set(id, earlier ? { ...earlier, ...patch } : { ...patch });
  }

  /** Removes and returns the device's pending patch (it is written through with a newer one). */
  take(id: string): LivePatch | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    return p;
  }

  /** Forgets the device's patches (a put replaced the record and its live fields). */
  drop(id: string): void {
    this.pending.delete(id);
    this.writing.delete(id);
  }

  /** What this process wrote and Redis may not have yet, newest last: applied over what Redis returns. */
  overlay(id: string): LivePatch | undefined {
    const w = this.writing.get(id);
    const p = this.pending.get(id);
    return w && p ? { ...w, ...p } : (p ?? w);
  }

  begin(): Map<string, LivePatch> {
    const batch = this.pending;
    this.pending = new Map();
    this.writing = batch;
    return batch;
  }

  end(batch: Map<string, LivePatch>, written: boolean): void {
    if (this.writing === batch) this.writing = new Map();
    if (written) return;
    for (const [id, patch] of batch) {
      const newer = this.pending.get(id);
      this.pending.set(id, newer ? { ...patch, ...newer } : patch);
    }
  }

  get size(): number {
    return this.pending.size;
  }
}
