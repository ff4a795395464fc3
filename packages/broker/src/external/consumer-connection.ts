import type { MqttClient } from 'mqtt';
import type { Clock, Logger } from '@vigil/runtime';
import type { UplinkHandler } from '../hooks.ts';
import type { BackoffOptions } from './backoff.ts';
import { ManagedConnection } from './connection.ts';
import { ExternalBrokerError } from './errors.ts';
import { isSubscribeRefusal } from './mqtt-client.ts';
import { type UplinkCounts, UplinkConsumer } from './uplink-consumer.ts';

export interface ConsumerConnectionOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  /** Its lane's shared subscriptions (`sharedLaneFilters`). */
  filters: string[];
  prefix: string;
  onUplink: UplinkHandler;
  counts: UplinkCounts;
  /** Persistent session (clean start off) with this Session Expiry Interval; absent: a clean session. */
  sessionExpiryS?: number;
  receiveMaximum: number;
  keepaliveS: number;
  startTimeoutMs: number;
  reconnect?: BackoffOptions;
  clock: Clock;
  log: Logger;
}

const DRAIN_MS = 5_000;
const UNSUBSCRIBE_TIMEOUT_MS = 2_000;
/** Quiet time after UNSUBSCRIBE at close: messages the broker had routed to us before it still arrive. */
const CLOSE_QUIET_MS = 200;

/**
 * One member of the engine's shared subscription: a connection, its subscription (made again after
 * every CONNACK) and the consumer that acknowledges each uplink once it is in the log.
 */
export class ConsumerConnection {
  readonly connection: ManagedConnection;
  private readonly consumer: UplinkConsumer;

  constructor(private readonly opts: ConsumerConnectionOptions) {
    const consumer = new UplinkConsumer({
      prefix: opts.prefix,
      onUplink: opts.onUplink,
      counts: opts.counts,
      clock: opts.clock,
      log: opts.log,
    });
    this.consumer = consumer;
    this.connection = new ManagedConnection({
      url: opts.url,
      ...(opts.username !== undefined && { username: opts.username }),
      ...(opts.password !== undefined && { password: opts.password }),
      clientId: opts.clientId,
      keepaliveS: opts.keepaliveS,
      ...(opts.sessionExpiryS !== undefined && { sessionExpiryS: opts.sessionExpiryS }),
      receiveMaximum: opts.receiveMaximum,
      startTimeoutMs: opts.startTimeoutMs,
      ...(opts.reconnect && { reconnect: opts.reconnect }),
      clock: opts.clock,
      log: opts.log,
      onCreated: (client) => consumer.attach(client),
      onConnected: (client) => this.subscribe(client),
    });
  }

  get handling(): number {
    return this.consumer.handling;
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  /** Made on every connection: a clean session has none, and a persistent one may have been lost. */
  private async subscribe(client: MqttClient): Promise<void> {
    const { filters } = this.opts;
    let granted: { qos: number }[];
    try {
      // Retain handling 2 (MQTT 5 §3.8.3.1): no stored retained messages at subscribe time. Mosquitto
      // 2.0 would otherwise replay every device's last status to each (re)subscribing worker, stale
      // Last Wills included; the embedded broker never feeds such re-deliveries to the ingest either.
      // Retained statuses published live still arrive.
      granted = await client.subscribeAsync(filters, { qos: 1, rh: 2 });
    } catch (err) {
      if (!isSubscribeRefusal(err)) throw err;
      throw this.subscribeRefused(err);
    }
    if (granted.some((g) => g.qos >= 0x80)) throw this.subscribeRefused();
    this.opts.log.debug({ filters, clientId: this.opts.clientId }, 'mqtt subscribed to device uplinks');
  }

  private subscribeRefused(cause?: unknown): ExternalBrokerError {
    return new ExternalBrokerError(
      'MQTT_SUBSCRIBE_REFUSED',
      `external broker refused the subscription ${this.opts.filters.join(', ')}: the platform role lacks the ACL`,
      { cause },
    );
  }

  /**
   * Stops taking uplinks (UNSUBSCRIBE), lets the one being handled and what the broker had already
   * routed here be appended and acked (bounded), then disconnects. A persistent session that drained
   * is ended (DISCONNECT with Session Expiry Interval 0, MQTT 5 §3.14.2.2.2), so Mosquitto routes
   * nothing more to it; one that did not drain (broker unreachable, handler stuck) is kept, for this
   * engine identity's next start to resume.
   */
  async close(): Promise<void> {
    const { connection } = this;
    const client = connection.mqtt;
    if (!client) return;
    connection.stopReconnecting();
    const wasConnected = connection.connected;
    let drained = false;
    if (wasConnected) {
      drained =
        (await this.withTimeout(client.unsubscribeAsync(this.opts.filters), UNSUBSCRIBE_TIMEOUT_MS, 'unsubscribe')) &&
        (await this.consumer.waitIdle(CLOSE_QUIET_MS, DRAIN_MS)) &&
        connection.connected;
    }
    const ends = drained && this.opts.sessionExpiryS !== undefined;
    if (!drained && this.opts.sessionExpiryS !== undefined) {
      this.opts.log.warn({ clientId: this.opts.clientId }, 'mqtt session kept: not drained, resumed at next start');
    }
    await connection.close(ends ? { sessionExpiryInterval: 0 } : undefined);
    // Offline, the drain could not be waited for above: give the handler the same bound here.
    if (!wasConnected) await this.consumer.settle(DRAIN_MS);
  }

  /** True if `p` fulfilled within `ms`. A rejection is logged and reads as false (not drained). */
  private withTimeout(p: Promise<unknown>, ms: number, what: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const cancel = this.opts.clock.setTimeout(() => resolve(false), ms);
      p.then(
        () => resolve(true),
        (err: unknown) => {
          this.opts.log.warn({ err }, `${what} before close failed`);
          resolve(false);
        },
      ).finally(cancel);
    });
  }
}
