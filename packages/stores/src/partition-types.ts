/**
 * The partitioned log between the edge that admits device messages and the owners that apply them
 * (issue 12: "durable log before acknowledgement"): per partition two lanes, `urgent` (calls for
 * help) and `routine`. Records are JSON; health-bearing, so the Redis log seals them under their
 * facility's key. Offsets have the Redis Stream id shape `<ms>-<seq>` (`compareOffsets`).
 */
export type LogLane = 'urgent' | 'routine';
export const LOG_LANES: readonly LogLane[] = ['urgent', 'routine'];

export interface LoggedRecord<R> {
  offset: string;
  record: R;
}

export interface PartitionLog<R = unknown> {
  /** Appends; resolves once the record is as durable as the log is (then the broker may acknowledge). */
  append(partition: number, lane: LogLane, record: R, facilityId: string): Promise<void>;
  /** Records after `after` (exclusive; undefined = from the oldest kept), oldest first, at most `max`. */
  read(partition: number, lane: LogLane, after: string | undefined, max: number): Promise<LoggedRecord<R>[]>;
  /** Records kept in a lane: not yet applied, or applied and not yet trimmed (backpressure). */
  backlog(partition: number, lane: LogLane): Promise<number>;
  /** Drops records up to and including `upTo` (applied and checkpointed). */
  trim(partition: number, lane: LogLane, upTo: string): Promise<void>;
  /**
   * Called after appends that may have made records readable, in this process or (Redis) any other;
   * returns an unsubscribe function.
   */
  onAppend(listener: (partition: number, lane: LogLane) => void): () => void;
}

/** Orders two offsets (`<ms>-<seq>`, compared as two numbers). */
export function compareOffsets(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/**
 * Partition ownership (issue 12): one engine process owns a partition at a time, by a lease with a
 * fencing token (`epoch`, higher with every acquisition), so an owner that stalled past its lease
 * cannot overwrite the work of the one after it.
 */
export interface PartitionLeaseStore {
  /** Records that the engine is alive for `ttlMs`; returns every engine alive now, sorted. */
  heartbeat(engineId: string, ttlMs: number): Promise<string[]>;
  /** Leaves the membership at once (a clean stop). */
  leave(engineId: string): Promise<void>;
  /** Takes the partition if nobody holds it: its new epoch, or undefined. */
  acquire(partition: number, engineId: string, ttlMs: number): Promise<number | undefined>;
  /**
   * Extends the lease; false when another engine took the partition since (a lease that merely ran
   * out while its holder was slow is taken back, as nobody else acquired it).
   */
  renew(partition: number, engineId: string, epoch: number, ttlMs: number): Promise<boolean>;
  /** Gives the partition up, if still held with this epoch. */
  release(partition: number, engineId: string, epoch: number): Promise<void>;
}

/** What a partition's owner saves to resume from: log positions and its state as of them. */
export interface PartitionCheckpoint {
  epoch: number;
  offsets: Partial<Record<LogLane, string>>;
  state: unknown;
}

export interface PartitionCheckpointStore {
  load(partition: number): Promise<PartitionCheckpoint | undefined>;
  /** Saves unless a newer epoch holds the partition (fencing): false when refused. */
  save(partition: number, checkpoint: PartitionCheckpoint): Promise<boolean>;
}
