import {
  advanceEpisode,
  copyEpisode,
  type EpisodeState,
  newEpisode,
  type PersistenceSpec,
  type TrackPoint,
} from './episode.ts';

export * from './episode.ts';

/**
 * The readings of one condition in device-time order, whatever order they arrive in (episode.ts
 * judges them). The last `REORDER_WINDOW` points are kept raw and sorted, everything older is folded
 * into a checkpoint; the state is the checkpoint with the tail replayed, so a store-and-forward batch,
 * a QoS 1 redelivery or samples a few positions out of order end in exactly the state live data gives.
 * A point older than the checkpoint is too late to change the past and is dropped (counted).
 */
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

export const newTrack = (): Track => ({ checkpoint: newEpisode(), tail: [], late: 0 });

/** Adds points (any order) and returns the updated track; the input track is not modified. */
export function addPoints(track: Track, points: readonly TrackPoint[], spec: PersistenceSpec): Track {
  let checkpoint: EpisodeState | undefined;
  const tail = [...track.tail];
  let late = track.late;
  for (const p of points) {
    if (track.checkpoint.lastTs !== undefined && p.ts <= track.checkpoint.lastTs) {
      late++;
      continue;
    }
    const i = sortedIndex(tail, p.ts);
    // Same timestamp again (a redelivered sample): the newer reading replaces it.
    if (tail[i]?.ts === p.ts) tail[i] = p;
    else tail.splice(i, 0, p);
  }
  const newest = tail.at(-1)?.ts ?? 0;
  while (tail.length > REORDER_WINDOW || (tail.length > 1 && newest - (tail[0] as TrackPoint).ts > REORDER_WINDOW_MS)) {
    checkpoint ??= copyEpisode(track.checkpoint);
    advanceEpisode(checkpoint, tail.shift() as TrackPoint, spec);
  }
  return { checkpoint: checkpoint ?? track.checkpoint, tail, late };
}

/** The episode state after every point the track holds. */
export function currentEpisode(track: Track, spec: PersistenceSpec): EpisodeState {
  if (track.tail.length === 0) return track.checkpoint;
  const s = copyEpisode(track.checkpoint);
  for (const p of track.tail) advanceEpisode(s, p, spec);
  return s;
}

/** One observation, in device-time order. Pure: returns a new state. */
export function advance(prev: EpisodeState, p: TrackPoint, spec: PersistenceSpec): EpisodeState {
  const s = copyEpisode(prev);
  advanceEpisode(s, p, spec);
  return s;
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
