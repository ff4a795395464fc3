import type { Logger } from '@vigil/runtime';
import type { Lane, LoggedRecord, UplinkLog, UplinkRecord } from './uplink-log.ts';

export interface PartitionOwnerDeps {
  log: UplinkLog;
  /** The partitions this process owns from the start (more come and go with `own` and `disown`). */
  partitions?: readonly number[];
  /** Applies one record, in log order per partition; never rejects (the applier logs). */
  apply(partition: number, record: UplinkRecord): Promise<void>;
  /** A lane's records up to and including `offset` are applied. */
  applied?(partition: number, lane: Lane, offset: string): Promise<void>;
  logger: Logger;
  /** Records read per round trip (a routine batch is also how long an SOS may wait behind it). */
  batch?: number;
}

/** Lets I/O (socket reads and writes, timers) run before going on. */
const turnOfEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Vitals applied per turn of the event loop at least, over all partitions (about 12 ms of rules). */
const ROUTINE_RECORDS_PER_TURN = 256;
/**
 * How much more than the last turn brought a turn may apply: what arrives is always applied, and a
 * backlog is worked off at a quarter of the arrival rate on top.
 */
const CATCH_UP = 1.25;

/**
 * A budget of routine records per turn of the event loop, shared by every partition's loop. Each loop
 * yields a turn between its batches, but 64 partitions woken in the same turn would otherwise each
 * apply a batch of 64 before any socket is read again: thousands of records, hundreds of
 * milliseconds in which no PUBACK is written and no call for help even received (measured: busy
 * stretches of 300–640 ms at 10,000 vitals a second).
 *
 * A fixed budget, though, caps the owner at budget ÷ turn length: when a turn's socket reads and
 * PUBACK writes take 30–40 ms (10,000 messages a second on two shared cores), 256 a turn is 6,000–8,000
 * a second, below what arrives, and the log grows until backpressure stops the devices (measured:
 * PUBACKs at 10,000 a second for 33 s, then 1,000–5,000). So the budget follows the arrivals: at least
 * what the last turn appended, and a quarter more to work off a backlog.
 */
class TurnBudget {
  private used = 0;
  private perTurn: number;
  /** Routine records appended since the budget was last reset. */
  private arrivals = 0;
  private resetScheduled = false;
  private nextTurn: Promise<void> | undefined;

  constructor(private readonly minimum: number) {
    this.perTurn = minimum;
  }

  /** A routine record was appended to an owned partition. */
  arrived(): void {
    this.arrivals++;
  }

  /** Undefined when this record fits this turn; otherwise a promise of the next turn to try again. */
  take(): Promise<void> | undefined {
    if (!this.resetScheduled) {
      this.resetScheduled = true;
      setImmediate(() => {
        this.perTurn = Math.max(this.minimum, Math.ceil(this.arrivals * CATCH_UP));
        this.arrivals = 0;
        this.used = 0;
        this.resetScheduled = false;
        this.nextTurn = undefined;
      });
    }
    if (this.used < this.perTurn) {
      this.used++;
      return undefined;
    }
    this.nextTurn ??= turnOfEventLoop();
    return this.nextTurn;
  }
}

/** One lane of one partition: where it is, and its loop. */
interface LaneLoop {
  partition: number;
  lane: Lane;
  cursor: string | undefined;
  /** Disowned: the loop ends after the record it is applying. */
  gone: boolean;
  /** A record is being applied right now (its effects on the partition state are incomplete). */
  applying: boolean;
  /** Held between records while the partition's state is saved. */
  held: Promise<void> | undefined;
  /** Records may be waiting: the loop runs (again). */
  dirty: boolean;
  running: Promise<void> | undefined;
}

/**
 * Applies the records of the partitions this process owns, each lane of a partition strictly in log
 * order, so a subject's rule memory is never touched by two records at once and needs no lock (issue
 * 12 "partitioned ownership"; subject-states.ts orders the rare record of one subject in both lanes).
 * Calls for help come first: each partition's urgent lane has its own loop that never waits behind
 * vitals, and while any partition has calls for help waiting, routine work everywhere yields to them
 * ("SOS first").
 */
export class PartitionOwner {
  private readonly byPartition = new Map<number, { urgent: LaneLoop; routine: LaneLoop }>();
  private readonly log: Logger;
  private readonly batch: number;
  /** Partitions with urgent records appended but not yet applied. */
  private readonly urgentWaiting = new Set<number>();
  /** Resolved (and replaced) whenever `urgentWaiting` changes. */
  private urgentChange: { promise: Promise<void>; resolve: () => void } | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private readonly budget = new TurnBudget(ROUTINE_RECORDS_PER_TURN);

  constructor(private readonly deps: PartitionOwnerDeps) {
    this.log = deps.logger.child({ module: 'owner' });
    this.batch = deps.batch ?? 64;
    for (const partition of deps.partitions ?? []) this.own(partition);
  }

  private get loops(): LaneLoop[] {
    return [...this.byPartition.values()].flatMap((p) => [p.urgent, p.routine]);
  }

  /** Starts applying a partition after the given offsets (a checkpoint's; undefined: the oldest kept). */
  own(partition: number, after: Partial<Record<Lane, string>> = {}): void {
    if (this.byPartition.has(partition)) return;
    const loop = (lane: Lane): LaneLoop => ({
      partition,
      lane,
      cursor: after[lane],
      gone: false,
      applying: false,
      held: undefined,
      dirty: true,
      running: undefined,
    });
    const pair = { urgent: loop('urgent'), routine: loop('routine') };
    this.byPartition.set(partition, pair);
    if (this.unsubscribe) {
      this.wake(pair.urgent);
      this.wake(pair.routine);
    }
  }

  /** Stops applying a partition; resolves with the offsets applied, once its loops are done. */
  async disown(partition: number): Promise<Partial<Record<Lane, string>>> {
    const pair = this.byPartition.get(partition);
    if (!pair) return {};
    this.byPartition.delete(partition);
    pair.urgent.gone = true;
    pair.routine.gone = true;
    this.setUrgent(partition, false);
    await Promise.all([pair.urgent.running, pair.routine.running]);
    return { urgent: pair.urgent.cursor, routine: pair.routine.cursor };
  }

  /**
   * Runs `fn` with the offsets applied so far while no record of the partition is half applied: its
   * loops are held between records until `fn` returns, so a checkpoint sees state and offsets that
   * agree. Undefined for a partition this process does not own.
   */
  async quiesce<T>(partition: number, fn: (applied: Partial<Record<Lane, string>>) => T): Promise<T | undefined> {
    const pair = this.byPartition.get(partition);
    if (!pair) return undefined;
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    pair.urgent.held = held;
    pair.routine.held = held;
    try {
      while (pair.urgent.applying || pair.routine.applying) await new Promise((r) => setImmediate(r));
      return fn({ urgent: pair.urgent.cursor, routine: pair.routine.cursor });
    } finally {
      pair.urgent.held = undefined;
      pair.routine.held = undefined;
      release();
    }
  }

  owned(): number[] {
    return [...this.byPartition.keys()];
  }

  start(): void {
    this.unsubscribe ??= this.deps.log.onAppend((partition, lane) => {
      const pair = this.byPartition.get(partition);
      if (!pair) return;
      if (lane === 'urgent') this.setUrgent(partition, true);
      else this.budget.arrived();
      this.wake(pair[lane]);
    });
    for (const l of this.loops) this.wake(l);
  }

  /** Resolves once every record appended so far to an owned partition is applied. */
  async idle(): Promise<void> {
    for (;;) {
      const running = this.loops.map((l) => l.running).filter((r) => r !== undefined);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.urgentChange?.resolve();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.idle();
  }

  private wake(l: LaneLoop): void {
    l.dirty = true;
    if (l.running || this.stopped || l.gone) return;
    l.running = this.drain(l)
      .catch((err: unknown) => this.log.error({ err, partition: l.partition, lane: l.lane }, 'partition loop failed'))
      .finally(() => {
        l.running = undefined;
        // Appended while the loop was finishing: go again.
        if (l.dirty && !this.stopped && !l.gone) this.wake(l);
      });
  }

  private async drain(l: LaneLoop): Promise<void> {
    while (l.dirty && !this.stopped && !l.gone) {
      if (l.lane === 'routine') {
        // Vitals wait one turn of the event loop before the read, so the appends of every socket
        // read in this turn are fetched in one round trip instead of one each. Calls for help never do.
        await turnOfEventLoop();
        await this.yieldToUrgent();
      }
      l.dirty = false;
      const records = await this.deps.log.read(l.partition, l.lane, l.cursor, this.batch);
      if (records.length === 0) {
        if (l.lane === 'urgent') this.setUrgent(l.partition, false);
        continue;
      }
      l.cursor = await this.applyAll(l, records);
      // A short batch was the lane's end when read: an append since has woken the loop (`wake` after
      // the log has it, here or, through the log's wake channel, elsewhere), so no empty read to check.
      if (records.length >= this.batch) l.dirty = true;
      else if (l.lane === 'urgent' && !l.dirty) this.setUrgent(l.partition, false);
      // (A log in memory reads and applies in microtasks alone: without that turn of the event loop
      // between batches, a backlog of vitals would be applied to its end while no socket is read, no
      // PUBACK written and no call for help even received.)
    }
  }

  /** Applies records in order; a disowned loop stops after the record it is on. Returns the last applied. */
  private async applyAll(l: LaneLoop, records: LoggedRecord<UplinkRecord>[]): Promise<string | undefined> {
    const before = l.cursor;
    let last = before;
    for (const r of records) {
      if (l.lane === 'routine') {
        // Calls for help are never held to the budget.
        for (let wait = this.budget.take(); wait; wait = this.budget.take()) await wait;
      }
      while (l.held) await l.held;
      if (l.gone) break;
      l.applying = true;
      try {
        await this.deps.apply(l.partition, r.record);
      } finally {
        l.applying = false;
      }
      last = r.offset;
      l.cursor = last;
    }
    if (last !== undefined && last !== before) await this.deps.applied?.(l.partition, l.lane, last);
    return last;
  }

  private setUrgent(partition: number, waiting: boolean): void {
    if (waiting === this.urgentWaiting.has(partition)) return;
    if (waiting) this.urgentWaiting.add(partition);
    else this.urgentWaiting.delete(partition);
    const change = this.urgentChange;
    this.urgentChange = undefined;
    change?.resolve();
  }

  /** Waits while any partition has calls for help waiting. */
  private async yieldToUrgent(): Promise<void> {
    while (!this.stopped && this.urgentWaiting.size > 0) {
      if (!this.urgentChange) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        this.urgentChange = { promise, resolve };
      }
      await this.urgentChange.promise;
    }
  }
}
