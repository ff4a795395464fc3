import { compareOffsets, type LoggedRecord, type LogLane, type PartitionLog } from '../types.ts';

/**
 * The partition log in process memory: the embedded default runs the same pipeline as a deployment
 * on Redis Streams (STYLE.md §15), with a log as durable as the process that holds it.
 */
export class MemoryPartitionLog<R = unknown> implements PartitionLog<R> {
  private readonly lanes = new Map<string, LoggedRecord<R>[]>();
  private readonly listeners = new Set<(partition: number, lane: LogLane) => void>();
  private next = 1;

  private lane(partition: number, lane: LogLane): LoggedRecord<R>[] {
    const key = `${partition}:${lane}`;
    let l = this.lanes.get(key);
    if (!l) {
      l = [];
      this.lanes.set(key, l);
    }
    return l;
  }

  async append(partition: number, lane: LogLane, record: R, _facilityId?: string): Promise<void> {
    this.lane(partition, lane).push({ offset: `${this.next++}-0`, record });
    for (const l of this.listeners) l(partition, lane);
  }

  async read(partition: number, lane: LogLane, after: string | undefined, max: number): Promise<LoggedRecord<R>[]> {
    const l = this.lane(partition, lane);
    const from = after === undefined ? 0 : firstAfter(l, after);
    return l.slice(from, from + max);
  }

  async backlog(partition: number, lane: LogLane): Promise<number> {
    return this.lane(partition, lane).length;
  }

  async trim(partition: number, lane: LogLane, upTo: string): Promise<void> {
    const l = this.lane(partition, lane);
    l.splice(0, firstAfter(l, upTo));
  }

  onAppend(listener: (partition: number, lane: LogLane) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Index of the first record after `offset` (records are in offset order). */
function firstAfter<R>(l: LoggedRecord<R>[], offset: string): number {
  let lo = 0;
  let hi = l.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareOffsets((l[mid] as LoggedRecord<R>).offset, offset) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
