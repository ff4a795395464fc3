import type { VitalsFeed } from '@vigil/engine';
import { createVitalsPublisher, relayVitals } from '@vigil/gateway';
import type { Logger } from '@vigil/runtime';
import { type IoRedisClasses, newRedisClient, type RedisClient, type RedisTarget } from '@vigil/stores';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ServerOptions } from 'socket.io';

/**
 * What several processes share besides the stores (architecture.md "Scale-out path"), on the same
 * Redis and key prefix: the live-vitals channel from engines to gateways, and the Socket.IO adapter
 * between gateways. Each has a connection of its own: a subscriber connection can do nothing else, and
 * the adapter blocks one on `XREAD`.
 */
export class RedisLinks {
  private readonly connections: RedisClient[] = [];
  private stopRelay: (() => Promise<void>) | undefined;
  private readonly publishers: { close(): void }[] = [];

  private constructor(
    private readonly lib: IoRedisClasses,
    private readonly target: RedisTarget,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {}

  static async create(redis: RedisTarget & { keyPrefix: string }, logger: Logger): Promise<RedisLinks> {
    // Loaded only here, so the memory-only default never loads the client library.
    return new RedisLinks(await import('ioredis'), redis, redis.keyPrefix, logger.child({ module: 'redis-links' }));
  }

  private get vitalsChannel(): string {
    return `${this.keyPrefix}vitals`;
  }

  private connect(): RedisClient {
    const c = newRedisClient(this.lib, this.target, { enableAutoPipelining: true });
    c.on('error', (err: unknown) => this.logger.warn({ err }, 'redis link error (reconnecting)'));
    this.connections.push(c);
    return c;
  }

  /**
   * The engine side of live vitals: publishes judged samples for the gateways, the newest per
   * resident of every quarter second in one message (vitals-relay.ts).
   */
  vitalsPublisher(): VitalsFeed {
    const publisher = createVitalsPublisher(this.connect(), this.vitalsChannel, this.logger);
    this.publishers.push(publisher);
    return publisher;
  }

  /** The gateway side: what any engine publishes reaches this gateway's throttled feed. */
  async relayVitalsTo(feed: VitalsFeed): Promise<void> {
    this.stopRelay ??= await relayVitals(this.connect(), this.vitalsChannel, feed, this.logger);
  }

  /** `@socket.io/redis-streams-adapter` under the key prefix, so deployments sharing a Redis stay apart. */
  socketAdapter(): ServerOptions['adapter'] {
    const client = this.connect();
    // The adapter reads and subscribes on duplicates of `client` that it closes only after a blocking
    // read returns, which never happens if Redis went first: they are tracked so `close()` ends them.
    // (A cluster client's `duplicate` takes other arguments than a single one's; they pass through.)
    const target = client as { duplicate: (...args: unknown[]) => RedisClient };
    const duplicate = target.duplicate.bind(client);
    target.duplicate = (...args: unknown[]) => {
      const d = duplicate(...args);
      d.on('error', (err: unknown) => this.logger.warn({ err }, 'socket.io adapter redis error (reconnecting)'));
      this.connections.push(d);
      return d;
    };
    return createAdapter(client, {
      streamName: `${this.keyPrefix}socket.io`,
      channelPrefix: `${this.keyPrefix}socket.io`,
      sessionKeyPrefix: `${this.keyPrefix}socket.io:session:`,
      // Room operations only (see GatewayDeps.socketAdapter); JSON payloads, no binary.
      onlyPlaintext: true,
      // Its reading connection closes only when a blocking read returns: keep shutdown short.
      blockTimeInMs: 1_000,
    }) as ServerOptions['adapter'];
  }

  async close(): Promise<void> {
    // What is gathered is published, and written to the socket (auto-pipelining writes on the next
    // tick) before the connections are dropped below; live values, so nobody waits for a reply.
    for (const p of this.publishers.splice(0)) p.close();
    await new Promise((resolve) => setImmediate(resolve));
    // Shutting down: the connections are dropped just below anyway, which ends the subscription too.
    await this.stopRelay?.().catch((err: unknown) =>
      this.logger.debug({ err }, 'live vitals relay did not unsubscribe'),
    );
    this.stopRelay = undefined;
    // `disconnect`, not `quit`: the adapter's connection may be blocked in XREAD.
    for (const c of this.connections.splice(0)) c.disconnect();
  }
}
