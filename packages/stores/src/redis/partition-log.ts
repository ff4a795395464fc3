import type { LoggedRecord, LogLane, PartitionLog } from '../types.ts';
import { duplicateClient } from './connection.ts';
import { partitionKeys } from './key-layout.ts';
import { type Keys, toJson, type RedisClient } from './script.ts';
import type { Sealer } from './sealer.ts';

/**
 * The partition log on Redis Streams (issue 12): one stream per partition and lane, hash-tagged by
 * partition (`{p12}`) so a partition's keys live on one Redis Cluster slot. An append is one XADD;
 * the vitals appended in one turn of the event loop go in one write and one round trip (`nextTurn`
 * and the client's auto-pipelining), and each resolves when Redis has it, which is when the broker may acknowledge the message. Records are
 * sealed under their facility's key (health data is encrypted at rest).
 *
 * Owners in other processes learn of appends through one pub/sub channel, a message per tick naming
 * the partitions and lanes written (`12:routine,3:urgent`), so they read at once instead of polling.
 */
export class RedisPartitionLog<R = unknown> implements PartitionLog<R> {
  private readonly listeners = new Set<(partition: number, lane: LogLane) => void>();
  private readonly wakeChannel: string;
  private pendingWake = new Set<string>();
  private wakeScheduled = false;
  private subscriber: RedisClient | undefined;
  private turn: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly sealer?: Sealer,
    /** Reports failures nobody awaits (wake-ups, the subscriber connection). */
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.wakeChannel = keys.key('log', 'wake');
  }

  private stream(partition: number, lane: LogLane): string {
    return partitionKeys(this.keys, partition).log(lane);
  }

  async append(partition: number, lane: LogLane, record: R, facilityId: string): Promise<void> {
    const raw = this.sealer?.enabled
      ? await this.sealer.seal(facilityId, ctx(partition, lane), record)
      : toJson(record);
    // Vitals are sent at the next turn of the event loop, with every other append of this turn in one
    // write (the client pipelines what is asked in one tick): one message per socket read arrives from
    // each broker connection, so waiting for the tick alone would still cost a write and a round trip
    // apiece. Calls for help go at once.
    if (lane === 'routine') await this.nextTurn();
    await this.redis.xadd(this.stream(partition, lane), '*', 'r', raw);
    for (const l of this.listeners) l(partition, lane);
    this.pendingWake.add(`${partition}:${lane}`);
    if (!this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(() => this.flushWake());
    }
  }

  /** Resolves at the next turn of the event loop; every append that asks before then shares it. */
  private nextTurn(): Promise<void> {
    this.turn ??= new Promise((resolve) =>
      setImmediate(() => {
        this.turn = undefined;
        resolve();
      }),
    );
    return this.turn;
  }

  async read(partition: number, lane: LogLane, after: string | undefined, max: number): Promise<LoggedRecord<R>[]> {
    const entries = (await this.redis.xrange(
      this.stream(partition, lane),
      after === undefined ? '-' : `(${after}`,
      '+',
      'COUNT',
      max,
    )) as [string, string[]][];
    const out: LoggedRecord<R>[] = [];
    for (const [offset, fields] of entries) {
      const raw = fields[fields.indexOf('r') + 1];
      const record = this.sealer
        ? await this.sealer.open<R>(ctx(partition, lane), raw)
        : (JSON.parse(raw as string) as R);
      if (record !== undefined) out.push({ offset, record });
    }
    return out;
  }

  backlog(partition: number, lane: LogLane): Promise<number> {
    return this.redis.xlen(this.stream(partition, lane));
  }

  async trim(partition: number, lane: LogLane, upTo: string): Promise<void> {
    const [ms = '0', seq = '0'] = upTo.split('-');
    // MINID keeps ids at or above it: the first id after `upTo`.
    await this.redis.xtrim(this.stream(partition, lane), 'MINID', `${ms}-${Number(seq) + 1}`);
  }

  onAppend(listener: (partition: number, lane: LogLane) => void): () => void {
    this.listeners.add(listener);
    if (!this.subscriber) this.subscribe();
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    const s = this.subscriber;
    this.subscriber = undefined;
    if (s) await s.quit().catch(() => s.disconnect());
  }

  private subscribe(): void {
    const s = duplicateClient(this.redis);
    this.subscriber = s;
    s.on('error', this.onError);
    s.on('message', (_channel: string, message: string) => {
      for (const item of message.split(',')) {
        const [p, lane] = item.split(':');
        if (lane !== 'urgent' && lane !== 'routine') continue;
        for (const l of this.listeners) l(Number(p), lane);
      }
    });
    s.subscribe(this.wakeChannel).catch(this.onError);
  }

  private flushWake(): void {
    this.wakeScheduled = false;
    const items = [...this.pendingWake];
    this.pendingWake = new Set();
    if (items.length > 0) this.redis.publish(this.wakeChannel, items.join(',')).catch(this.onError);
  }
}

const ctx = (partition: number, lane: LogLane) => ({ kind: 'uplink', id: String(partition), field: lane });
