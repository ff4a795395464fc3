import type { DeviceRecord } from '@vigil/stores';

/**
 * A device's own rhythm (issue 11: stale data is judged against the device's usual interval, not
 * a fixed 15 minutes). The median of its last few intervals between messages: one outage or one
 * burst does not move it, a device that changes its cadence is followed within a few messages.
 */
export const RHYTHM_INTERVALS = 5;

/** The recent intervals with one more, newest last, at most `RHYTHM_INTERVALS`. */
export function withInterval(recent: readonly number[] | undefined, intervalMs: number): number[] {
  return [...(recent ?? []), Math.round(intervalMs)].slice(-RHYTHM_INTERVALS);
}

/** The device's usual interval between messages; undefined until it has sent twice. */
export function usualIntervalMs(device: Pick<DeviceRecord, 'recentIntervalsMs'>): number | undefined {
  const r = device.recentIntervalsMs;
  if (!r || r.length === 0) return undefined;
  const sorted = [...r].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The interval a message shows: within a batch of samples, their spacing (a store-and-forward
 * batch after an outage says how often the device measures, not how long it was away); for a
 * single message, the time since the device was last seen.
 */
export function messageInterval(
  device: DeviceRecord,
  firstTs: number,
  lastTs: number,
  count: number,
): number | undefined {
  if (count >= 2) return lastTs > firstTs ? (lastTs - firstTs) / (count - 1) : undefined;
  if (device.lastSeenAt === undefined || lastTs <= device.lastSeenAt) return undefined;
  return lastTs - device.lastSeenAt;
}
