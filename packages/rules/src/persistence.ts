/**
 * Persistence windows and hysteresis for one condition of one subject ("SpO2 low for resident r1"),
 * evaluated by device timestamp (clinical.md "Alarm fatigue is the enemy", architecture.md: rules are
 * pure, no clock of their own).
 *
 * Each observation is reduced to a `TrackPoint`: the tier the raw value reaches (0 none, 1 alert
 * tier, 2 critical tier) and whether it is back beyond the clear threshold (hysteresis: clearing
 * needs a margin inside the limit, so a value hovering on the limit does not flap).
 *
 * An episode starts at tier L once tier ≥ L has held continuously for `forMs` (a gap in the data
 * longer than `maxGapMs` breaks the run: nothing was observed), can only rise in tier, and ends
 * once the clear condition has held for `clearForMs`.
 *
 * Order: the last `REORDER_WINDOW` points are kept raw and sorted, everything older is folded into a
 * checkpoint. The state is the checkpoint with the tail replayed, so a store-and-forward batch, a
 * QoS 1 redelivery or samples a few positions out of order end in exactly the state live data gives.
 * A point older than the checkpoint is too late to change the past and is dropped (counted).
 */

export type Tier = 0 | 1 | 2;

export interface TrackPoint {
  ts: number;
  tier: Tier;
  /** Beyond the clear threshold (limit ∓ margin). */
  clear: boolean;
  /** Not an observation of the condition at all (device not worn): breaks every run, clears nothing. */
  gap?: boolean;
}

export interface PersistenceSpec {
  forMs: number;
  clearForMs: number;
  maxGapMs: number;
}

export interface EpisodeState {
  lastTs?: number;
  /** Start of the current uninterrupted run at tier ≥ 1 and ≥ 2. */
  run1?: number;
  run2?: number;
  /** Start of the current uninterrupted run of clear points. */
  clearRun?: number;
  /** The episode's tier: 0 = no episode. Rises with the condition, never falls until it clears. */
  tier: Tier;
  /** Device time the episode's condition began (start of the run that raised it). */
  onset?: number;
  /** Device time the episode's current tier was reached. */
  tierSince?: number;
  /** Whether the latest observation meets the alert tier. */
  holds: boolean;
  /** Device time the last episode cleared. */
  clearedAt?: number;
}

export interface Track {
  checkpoint: EpisodeState;
  tail: TrackPoint[];
  /** Points that arrived older than the checkpoint (too late to judge). */
  late: number;
}

/**
 * How far out of order a sample may arrive and still count: the last 16 points, and no point more
 * than 15 s older than the newest (a QoS 1 redelivery after a reconnect; a batch arrives in order,
 * contract §1.1). Bounded by time too, so rule memory stays small at any sample rate.
 */
export const REORDER_WINDOW = 16;
export const REORDER_WINDOW_MS = 15_000;

export const newTrack = (): Track => ({ checkpoint: { tier: 0, holds: false }, tail: [], late: 0 });

/** Adds points (any order) and returns the updated track; the input track is not modified. */
export function addPoints(track: Track, points: readonly TrackPoint[], spec: PersistenceSpec): Track {
  let checkpoint = track.checkpoint;
  const tail = [...track.tail];
  let late = track.late;
  for (const p of points) {
    if (checkpoint.lastTs !== undefined && p.ts <= checkpoint.lastTs) {
      late++;
      continue;
    }
    const i = sortedIndex(tail, p.ts);
    // Same timestamp again (a redelivered sample): the newer reading replaces it.
    if (tail[i]?.ts === p.ts) tail[i] = p;
    else tail.splice(i, 0, p);
  }
  const newest = tail.at(-1)?.ts ?? 0;
  while (tail.length > REORDER_WINDOW || (tail.length > 1 && newest - (tail[0] as TrackPoint).ts > REORDER_WINDOW_MS))
    checkpoint = advance(checkpoint, tail.shift() as TrackPoint, spec);
  return { checkpoint, tail, late };
}

/** The episode state after every point the track holds. */
export function currentEpisode(track: Track, spec: PersistenceSpec): EpisodeState {
  let s = track.checkpoint;
  for (const p of track.tail) s = advance(s, p, spec);
  return s;
}

/** One observation, in device-time order. Pure. */
export function advance(prev: EpisodeState, p: TrackPoint, spec: PersistenceSpec): EpisodeState {
  const s: EpisodeState = { ...prev };
  const broken = p.gap || (s.lastTs !== undefined && p.ts - s.lastTs > spec.maxGapMs);
  s.lastTs = p.ts;
  if (broken) {
    s.run1 = undefined;
    s.run2 = undefined;
    s.clearRun = undefined;
  }
  if (p.gap) return s;
  s.run1 = p.tier >= 1 ? (s.run1 ?? p.ts) : undefined;
  s.run2 = p.tier >= 2 ? (s.run2 ?? p.ts) : undefined;
  s.clearRun = p.clear ? (s.clearRun ?? p.ts) : undefined;
  s.holds = p.tier >= 1;

  const reached: Tier = held(s.run2, p.ts, spec.forMs) ? 2 : held(s.run1, p.ts, spec.forMs) ? 1 : 0;
  if (reached > s.tier) {
    if (s.tier === 0) s.onset = s.run1;
    s.tier = reached;
    s.tierSince = p.ts;
  } else if (s.tier > 0 && s.clearRun !== undefined && p.ts - s.clearRun >= spec.clearForMs) {
    s.tier = 0;
    s.clearedAt = p.ts;
    s.onset = undefined;
    s.tierSince = undefined;
  }
  return s;
}

function held(runStart: number | undefined, ts: number, forMs: number): boolean {
  return runStart !== undefined && ts - runStart >= forMs;
}

function sortedIndex(points: readonly TrackPoint[], ts: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid] as TrackPoint).ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
