import type { LoggedRecord, LogLane, PartitionLog } from '../types.ts';

/** One lane of one partition: its records, and their offsets' numbers beside them for the search. */
interface Lane<R> {
  records: LoggedRecord<R>[];
  /** `n` of each record's offset `n-0`, in order. */
  numbers: number[];
}

/**
 * The partition log in process memory: the embedded default runs the same pipeline as a deployment
 * on Redis Streams (STYLE.md §15), with a log as durable as the process that holds it. Every message
 * passes through it, so a lane is found by number, not by a key string, and offsets are compared as
 * the numbers they are made from.
 */
export class MemoryPartitionLog<R = unknown> implements PartitionLog<R> {
  private readonly partitions = new Map<number, Record<LogLane, Lane<R>>>();
  private readonly listeners = new Set<(partition: number, lane: LogLane) => void>();
  private next = 1;

  private lane(partition: number, lane: LogLane): Lane<R> {
    let p = this.partitions.get(partition);
    if (!p) {
      p = { urgent: { records: [], numbers: [] }, routine: { records: [], numbers: [] } };
      this.partitions.set(partition, p);
    }
    return p[lane];
  }

  async append(partition: number, lane: LogLane, record: R, _facilityId?: string): Promise<void> {
    const l = this.lane(partition, lane);
    const n = this.next++;
    l.records.push({ offset: `${n}-0`, record });
    l.numbers.push(n);
    for (const listener of this.listeners) listener(partition, lane);
  }

  async read(partition: number, lane: LogLane, after: string | undefined, max: number): Promise<LoggedRecord<R>[]> {
    const l = this.lane(partition, lane);
    const from = after === undefined ? 0 : firstAfter(l.numbers, after);
    return l.records.slice(from, from + max);
  }

  async backlog(partition: number, lane: LogLane): Promise<number> {
    return this.lane(partition, lane).records.length;
  }

  async trim(partition: number, lane: LogLane, upTo: string): Promise<void> {
    const l = this.lane(partition, lane);
    const n = firstAfter(l.numbers, upTo);
    l.records.splice(0, n);
    l.numbers.splice(0, n);
  }

  onAppend(listener: (partition: number, lane: LogLane) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Index of the first record after `offset` (records are in offset order). This log's offsets are
 * `n-0`, so record `n` comes after `<ms>-<seq>` exactly when n > ms (as `compareOffsets` orders them).
 */
function firstAfter(numbers: number[], offset: string): number {
  const dash = offset.indexOf('-');
  const ms = Number(dash === -1 ? offset : offset.slice(0, dash));
  let lo = 0;
  let hi = numbers.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((numbers[mid] as number) <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
