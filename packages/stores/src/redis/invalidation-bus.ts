import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { duplicateClient } from './connection.ts';
import type { Keys, RedisClient } from './script.ts';

/** The records whose snapshots processes cache (devices: admission, applier; residents: the rules). */
export type CachedKind = 'device' | 'resident';

/**
 * The node connection that holds the subscription: a single Redis's subscriber is the client itself;
 * a Cluster client subscribes through one node connection of its own, which it replaces (on a new
 * node) when that one ends, and reports neither. ioredis does not expose it, so its `subscriber` (a
 * ClusterSubscriber) is read here: a replaced connection is a reconnect, and messages may have been
 * missed in between.
 */
function connectionOf(subscriber: RedisClient): Redis | undefined {
  if (!subscriber.isCluster) return subscriber as Redis;
  const inner = (subscriber as unknown as { subscriber?: { getInstance?(): Redis | null } }).subscriber;
  return inner?.getInstance?.() ?? undefined;
}

/**
 * Tells every process's snapshot caches which records changed (architecture.md "Stores": caches of
 * devices and residents), over one pub/sub channel `<prefix>cache:invalidate`: a change is published
 * after it is committed, as `[origin, kind, id]`. A process skips its own messages (it invalidated
 * its cache itself when it wrote).
 *
 * Pub/sub delivers at most once: a message published while the subscriber is away is lost. So caching
 * is on (`live()`) only while the subscription is confirmed on a connection that has stayed up since,
 * and every cache is dropped (`onReset`) the moment that connection closes; it comes back on once the
 * subscription is confirmed again. On a Redis Cluster, PUBLISH reaches the subscribers of every node.
 */
export class InvalidationBus {
  private readonly channel: string;
  private readonly origin = randomUUID();
  private readonly listeners = new Map<CachedKind, ((id: string) => void)[]>();
  private readonly resetListeners: (() => void)[] = [];
  private subscriber: RedisClient | undefined;
  /** The connection the subscription was confirmed on; undefined while not confirmed. */
  private confirmedOn: Redis | undefined;
  private confirming = false;
  private readonly watched = new WeakSet<Redis>();
  /** Closes seen of watched connections: a subscribe that straddles one confirms nothing. */
  private closes = 0;
  private closed = false;

  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    /** Failures nobody awaits (the subscriber connection, its subscribe). */
    private readonly onError: (err: unknown) => void,
  ) {
    this.channel = keys.key('cache', 'invalidate');
  }

  /** Announces a committed change of a record; resolves once Redis has delivered it to the subscribers. */
  async publish(kind: CachedKind, id: string): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify([this.origin, kind, id]));
  }

  /** Calls `listener` with the id of every record of `kind` another process changed. */
  onInvalidate(kind: CachedKind, listener: (id: string) => void): void {
    this.listeners.set(kind, [...(this.listeners.get(kind) ?? []), listener]);
  }

  /** Calls `listener` whenever changes may have been missed: every cache must forget everything. */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  /**
   * Whether every change committed from now on will be heard, so a snapshot read now may be cached.
   * The first call opens the subscription; while it is not (or no longer) confirmed, false.
   */
  live(): boolean {
    if (this.closed) return false;
    const subscriber = this.subscriber ?? this.open();
    const connection = connectionOf(subscriber);
    if (connection !== undefined && connection === this.confirmedOn && connection.status === 'ready') return true;
    if (this.confirmedOn !== undefined) this.lost();
    if (!this.confirming) void this.confirm(subscriber);
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.confirmedOn = undefined;
    const s = this.subscriber;
    this.subscriber = undefined;
    if (!s) return;
    // QUIT would wait for a Redis that is away.
    if (s.status === 'ready') await s.quit().catch(() => s.disconnect());
    else s.disconnect();
  }

  private open(): RedisClient {
    // Its own connection: a subscribed connection takes no other commands.
    const s = duplicateClient(this.redis, { enableAutoPipelining: false });
    this.subscriber = s;
    s.on('error', this.onError);
    s.on('message', (_channel: string, message: string) => this.received(message));
    return s;
  }

  private received(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch (err) {
      this.onError(err);
      return;
    }
    if (!Array.isArray(parsed)) return;
    const [origin, kind, id] = parsed as [unknown, CachedKind, unknown];
    if (origin === this.origin || typeof id !== 'string') return;
    for (const l of this.listeners.get(kind) ?? []) l(id);
  }

  private async confirm(subscriber: RedisClient): Promise<void> {
    this.confirming = true;
    try {
      const before = connectionOf(subscriber);
      if (before) this.watch(before);
      const closesBefore = this.closes;
      // ioredis subscribes again by itself after a reconnect, but does not say when it has: this
      // SUBSCRIBE (a no-op if it already is) answers once the connection is subscribed.
      await subscriber.subscribe(this.channel);
      const after = connectionOf(subscriber);
      const unbroken =
        after !== undefined && (before === undefined || before === after) && this.closes === closesBefore;
      if (this.closed || !unbroken || after.status !== 'ready') return;
      this.watch(after);
      this.confirmedOn = after;
    } catch (err) {
      this.onError(err);
    } finally {
      this.confirming = false;
    }
  }

  private watch(connection: Redis): void {
    if (this.watched.has(connection)) return;
    this.watched.add(connection);
    connection.on('close', () => {
      this.closes++;
      if (this.confirmedOn === connection) this.lost();
    });
  }

  private lost(): void {
    this.confirmedOn = undefined;
    for (const l of this.resetListeners) l();
  }
}
