import {
  DEFAULT_TOPIC_PREFIX,
  type DeviceCommand,
  type DownlinkChannel,
  deviceTopic,
  type IngestErrorMessage,
} from '@vigil/contracts';
import type { DeviceDownlink } from '@vigil/engine';
import { type Clock, type Logger, silentLogger, systemClock } from '@vigil/runtime';
import { DOWNLINK_QOS } from '../downlink.ts';
import type { UplinkHandler } from '../hooks.ts';
import type { BackoffOptions } from './backoff.ts';
import { ManagedConnection } from './connection.ts';
import { ConsumerConnection } from './consumer-connection.ts';
import { ExternalBrokerError } from './errors.ts';
import { consumerClientId, downlinkClientId, gatewayClientId, randomSuffix } from './platform-client-ids.ts';
import { DEFAULT_SHARE_GROUP, sharedLaneFilters } from './uplink.ts';

export interface ExternalBrokerOptions {
  /** `mqtt://host:1883` (or `mqtts://`, `ws://`); credentials may be in the URL. */
  url: string;
  /** The platform client provisioned with `MosquittoProvisioner.ensurePlatformClient`. */
  username?: string;
  password?: string;
  /** Every device uplink, its retained status and Last Will included (normally `Ingest.handle`). */
  onUplink: UplinkHandler;
  /**
   * False for a process that only sends downlinks (a gateway: commands, with provisioning through
   * `MosquittoProvisioner`): no subscription, one clean session. Default true.
   */
  consume?: boolean;
  /** contract §1: `care`, configurable. */
  topicPrefix?: string;
  /** Shared-subscription group of the engine workers. Default `vigil`. */
  shareGroup?: string;
  /**
   * This engine's stable identity (README "Engine sessions"): its consumers connect as
   * `vigil-engine-{engineId}-urgent` and `…-{n}` with persistent sessions, which the same identity
   * resumes after a restart. Two live engines must never share one (the broker drops the older connection). Without
   * it: random client ids and clean sessions, so what is unacked when the process dies is dropped.
   */
  engineId?: string;
  /**
   * Routine-lane connections (vitals, telemetry, status) in the shared subscription, each handling one
   * uplink at a time; calls for help (`events`) have one more connection of their own. Default 32.
   */
  consumers?: number;
  /**
   * MQTT 5 Receive Maximum of each consumer connection: uplinks the broker may send it unacked (the
   * window redelivered after a crash). Default 16.
   */
  receiveMaximum?: number;
  /** Session Expiry Interval of the persistent sessions (with `engineId`). Default 3600 s. */
  sessionExpiryS?: number;
  /** How long a QoS 1 downlink waits for its PUBACK. Default 10 s. */
  publishTimeoutMs?: number;
  /** How long `start()` may take to connect and subscribe. Default 30 s. */
  startTimeoutMs?: number;
  keepaliveS?: number;
  reconnect?: BackoffOptions;
  clock?: Clock;
  logger?: Logger;
}

export interface ExternalBrokerStats {
  /** Every connection (downlinks and each consumer) is up. */
  connected: boolean;
  /** Successful connections, summed over all (the first ones and every reconnection). */
  connects: number;
  /** Consumer connections up now. */
  consumersConnected: number;
  /** Messages handed to `onUplink`. */
  uplinks: number;
  /** Messages on topics that are no device's uplink (never handed on). */
  ignored: number;
  /** Handlers that failed (the message was not acked, and comes again). */
  uplinkFailures: number;
  inFlight: number;
  downlinks: number;
  downlinkFailures: number;
}

export const DEFAULT_CONSUMERS = 32;
export const DEFAULT_RECEIVE_MAXIMUM = 16;
export const DEFAULT_SESSION_EXPIRY_S = 3600;

/**
 * The platform's side of an external Mosquitto (contract §1 with `MQTT_URL`): MQTT 5 connections that
 * take this engine's share of every device uplink through the shared subscriptions
 * `$share/{group}/{prefix}/+/devices/+/{channel}` (one for calls for help, `consumers` for the rest)
 * and hand each to `onUplink` as an `UplinkMessage`, acking it once it is in the log; and one more
 * connection for the `DeviceDownlink` port (errors at QoS 0, commands at QoS 1), so a downlink's
 * PUBACK never waits behind an uplink being appended.
 * Authentication and the per-device ACL are Mosquitto's (see `MosquittoProvisioner`): the device id
 * is read from the topic, which only the ACL makes trustworthy.
 */
export class ExternalBroker implements DeviceDownlink {
  private readonly prefix: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private downlinks: ManagedConnection | undefined;
  private readonly consumers: ConsumerConnection[] = [];
  private readonly counts = { uplinks: 0, ignored: 0, uplinkFailures: 0, downlinks: 0, downlinkFailures: 0 };
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: ExternalBrokerOptions) {
    this.prefix = opts.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    this.clock = opts.clock ?? systemClock;
    this.log = (opts.logger ?? silentLogger()).child({ module: 'mqtt-external' });
  }

  /** The `DeviceDownlink` port, as `EmbeddedBroker.downlink`. */
  get downlink(): DeviceDownlink {
    return this;
  }

  get connected(): boolean {
    return (this.downlinks?.connected ?? false) && this.consumers.every((c) => c.connection.connected);
  }

  /** The consumers' client ids (empty for a process that does not consume). */
  get consumerClientIds(): string[] {
    return this.consumers.map((c) => c.connection.clientId);
  }

  /**
   * Connects every connection (consumers subscribed); rejects with `ExternalBrokerError`
   * (`MQTT_AUTH_REFUSED`, `MQTT_SUBSCRIBE_REFUSED`, `MQTT_START_TIMEOUT`). Later outages reconnect
   * with backoff, each connection on its own.
   */
  async start(): Promise<void> {
    if (this.downlinks) throw new Error('ExternalBroker already started');
    const { opts } = this;
    const consumes = opts.consume ?? true;
    const random = randomSuffix();
    const common = {
      url: opts.url,
      ...(opts.username !== undefined && { username: opts.username }),
      ...(opts.password !== undefined && { password: opts.password }),
      keepaliveS: opts.keepaliveS ?? 30,
      startTimeoutMs: opts.startTimeoutMs ?? 30_000,
      ...(opts.reconnect && { reconnect: opts.reconnect }),
      clock: this.clock,
      log: this.log,
    };
    this.downlinks = new ManagedConnection({
      ...common,
      // Nothing of a downlink connection's session is worth keeping: a clean one, never colliding.
      clientId: consumes ? downlinkClientId(opts.engineId ?? random) : gatewayClientId(),
      onConnected: () => Promise.resolve(),
    });
    if (consumes) {
      const group = opts.shareGroup ?? DEFAULT_SHARE_GROUP;
      const routine = Array.from({ length: opts.consumers ?? DEFAULT_CONSUMERS }, (_, i) => i);
      for (const slot of ['urgent', ...routine] as const) {
        this.consumers.push(
          new ConsumerConnection({
            ...common,
            clientId: consumerClientId(opts.engineId ?? random, slot),
            filters: sharedLaneFilters(this.prefix, slot === 'urgent' ? 'urgent' : 'routine', group),
            prefix: this.prefix,
            onUplink: opts.onUplink,
            counts: this.counts,
            ...(opts.engineId !== undefined && { sessionExpiryS: opts.sessionExpiryS ?? DEFAULT_SESSION_EXPIRY_S }),
            receiveMaximum: opts.receiveMaximum ?? DEFAULT_RECEIVE_MAXIMUM,
          }),
        );
      }
    }
    const started = await Promise.allSettled([this.downlinks.start(), ...this.consumers.map((c) => c.start())]);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) {
      await this.close();
      throw failed.reason;
    }
    this.log.info(
      { consumers: this.consumers.length, persistent: consumes && opts.engineId !== undefined },
      'mqtt connected to external broker',
    );
  }

  /** contract §1: `errors` at QoS 0, `commands` at QoS 1, on the device's own topics. */
  publish(
    facilityId: string,
    deviceId: string,
    channel: DownlinkChannel,
    payload: IngestErrorMessage | DeviceCommand,
  ): Promise<void> {
    const client = this.downlinks?.mqtt;
    if (this.closing) return this.failDownlink(new ExternalBrokerError('MQTT_CLOSED', 'external broker closed'));
    if (!client || !this.downlinks?.connected) {
      return this.failDownlink(new ExternalBrokerError('MQTT_OFFLINE', 'not connected to the external broker'));
    }
    const topic = deviceTopic(this.prefix, facilityId, deviceId, channel);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        cancel();
        if (!err) {
          this.counts.downlinks++;
          resolve();
          return;
        }
        this.counts.downlinkFailures++;
        reject(err);
      };
      const cancel = this.clock.setTimeout(
        () => settle(new ExternalBrokerError('MQTT_PUBLISH_TIMEOUT', `no PUBACK for ${channel} of ${deviceId}`)),
        this.opts.publishTimeoutMs ?? 10_000,
      );
      client.publish(topic, JSON.stringify(payload), { qos: DOWNLINK_QOS[channel] }, (err) => {
        if (!err) return settle();
        const refused = typeof (err as { code?: unknown }).code === 'number';
        settle(
          new ExternalBrokerError(
            refused ? 'MQTT_PUBLISH_REFUSED' : 'MQTT_OFFLINE',
            `${channel} for ${deviceId} not delivered: ${err.message}`,
            { cause: err },
          ),
        );
      });
    });
  }

  private failDownlink(err: ExternalBrokerError): Promise<never> {
    this.counts.downlinkFailures++;
    return Promise.reject(err);
  }

  stats(): ExternalBrokerStats {
    return {
      connected: this.connected,
      connects: [this.downlinks, ...this.consumers.map((c) => c.connection)].reduce(
        (n, c) => n + (c?.connects ?? 0),
        0,
      ),
      consumersConnected: this.consumers.filter((c) => c.connection.connected).length,
      inFlight: this.consumers.reduce((n, c) => n + c.handling, 0),
      ...this.counts,
    };
  }

  /**
   * Drains and ends every consumer's session (`ConsumerConnection.close`), then closes the downlink
   * connection. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.consumers.map((c) => c.close()));
      await this.downlinks?.close();
    })();
    return this.closing;
  }
}
