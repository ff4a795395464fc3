import {
  compareOffsets,
  type Lane,
  laneOf,
  type LoggedRecord,
  type UplinkLog,
  type UplinkRecord,
} from './uplink-log.ts';

/**
 * The uplink log in process memory: the embedded default runs the same pipeline as a deployment on
 * Redis Streams (STYLE.md §15), with a log as durable as the process that holds it.
 */
export class MemoryUplinkLog implements UplinkLog {
  private readonly lanes = new Map<string, LoggedRecord[]>();
  private readonly listeners = new Set<(partition: number, lane: Lane) => void>();
  private next = 1;

  private lane(partition: number, lane: Lane): LoggedRecord[] {
    const key = `${partition}:${lane}`;
    let l = this.lanes.get(key);
    if (!l) {
      l = [];
      this.lanes.set(key, l);
    }
    return l;
  }

  async append(partition: number, record: UplinkRecord): Promise<void> {
    const lane = laneOf(record);
    this.lane(partition, lane).push({ offset: `${this.next++}-0`, record });
    for (const l of this.listeners) l(partition, lane);
  }

  async read(partition: number, lane: Lane, after: string | undefined, max: number): Promise<LoggedRecord[]> {
    const l = this.lane(partition, lane);
    const from = after === undefined ? 0 : this.firstAfter(l, after);
    return l.slice(from, from + max);
  }

  async backlog(partition: number, lane: Lane, after: string | undefined): Promise<number> {
    const l = this.lane(partition, lane);
    return l.length - (after === undefined ? 0 : this.firstAfter(l, after));
  }

  async trim(partition: number, lane: Lane, upTo: string): Promise<void> {
    const l = this.lane(partition, lane);
    l.splice(0, this.firstAfter(l, upTo));
  }

  onAppend(listener: (partition: number, lane: Lane) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Index of the first record after `offset` (records are in offset order). */
  private firstAfter(l: LoggedRecord[], offset: string): number {
    let lo = 0;
    let hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareOffsets((l[mid] as LoggedRecord).offset, offset) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
