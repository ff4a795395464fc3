/**
 * When each device publishes. Device i of a fleet of n publishes at rate R with its phase i/n of a
 * period: the fleet offers n·R messages per second evenly, never in lockstep bursts (a real facility's
 * wearables are not synchronised). All times are ms from the start of the steady phase.
 */

export const periodMs = (rateHz: number) => 1000 / rateHz;

/** When device `index` of `fleetSize` sends its `k`-th sample (k from 0). */
export function dueMs(index: number, fleetSize: number, rateHz: number, k: number): number {
  const period = periodMs(rateHz);
  return (index / fleetSize) * period + k * period;
}

/** How many samples device `index` sends in `seconds`: those due strictly before the end. */
export function samplesOf(index: number, fleetSize: number, rateHz: number, seconds: number): number {
  const end = seconds * 1000;
  const first = dueMs(index, fleetSize, rateHz, 0);
  return first >= end ? 0 : Math.ceil((end - first) / periodMs(rateHz));
}

/** Global device indices of fleet process `w` of `processes`: interleaved, so each offers its share evenly. */
export function shareOf(fleetSize: number, processes: number, w: number): number[] {
  const out: number[] = [];
  for (let i = w; i < fleetSize; i += processes) out.push(i);
  return out;
}

/**
 * A fleet process's publishes in time order: publish j goes to its (j mod m)-th device, sample
 * ⌊j/m⌋. With the devices in ascending global index (phases ascending within one period), due times
 * only grow with j, so a scheduler walks j and never sorts.
 */
export class Timeline {
  private j = 0;
  private readonly limits: number[];

  constructor(
    /** Global indices, ascending. */
    private readonly indices: readonly number[],
    private readonly fleetSize: number,
    private readonly rateHz: number,
    seconds: number,
  ) {
    this.limits = indices.map((i) => samplesOf(i, fleetSize, rateHz, seconds));
  }

  /** The next publish, or undefined when every device has sent its samples. */
  peek(): { slot: number; k: number; dueMs: number } | undefined {
    const m = this.indices.length;
    if (m === 0) return undefined;
    for (;;) {
      const slot = this.j % m;
      const k = Math.floor(this.j / m);
      // Devices late in the period may send one sample fewer; past the first device's last, all are done.
      if (k >= (this.limits[0] as number)) return undefined;
      if (k < (this.limits[slot] as number)) {
        return { slot, k, dueMs: dueMs(this.indices[slot] as number, this.fleetSize, this.rateHz, k) };
      }
      this.j++;
    }
  }

  advance(): void {
    this.j++;
  }
}

export interface SosOrder {
  /** Global index of the device that presses. */
  index: number;
  /** When, in ms from the start of the steady phase. */
  atMs: number;
}

/**
 * `count` SOS presses spread evenly over the steady phase (none at its very start or end, where a
 * queue is empty or being drained) from devices spread evenly over the fleet, each device at most once
 * so every press raises a new alert.
 */
export function sosPlan(fleetSize: number, count: number, seconds: number): SosOrder[] {
  return Array.from({ length: count }, (_, k) => ({
    index: Math.floor(((k + 0.5) * fleetSize) / count),
    atMs: Math.round(((k + 1) * seconds * 1000) / (count + 1)),
  }));
}
