import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
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
import { ExternalBrokerError } from './errors.ts';
import { isSubscribeRefusal } from './mqtt-client.ts';
import { DEFAULT_SHARE_GROUP, sharedUplinkFilter, toUplink } from './uplink.ts';

export interface ExternalBrokerOptions {
  /** `mqtt://host:1883` (or `mqtts://`, `ws://`); credentials may be in the URL. */
  url: string;
  /** The platform client provisioned with `MosquittoProvisioner.ensurePlatformClient`. */
  username?: string;
  password?: string;
  /** Every device uplink, its retained status and Last Will included (normally `Ingest.handle`). */
  onUplink: UplinkHandler;
  /** contract §1: `care`, configurable. */
  topicPrefix?: string;
  /** Shared-subscription group of the engine workers. Default `vigil`. */
  shareGroup?: string;
  /** Unique per worker (the broker drops an older connection with the same id). Default random. */
  clientId?: string;
  /** Uplinks handled at once before the next packet is read (TCP backpressure to the broker). Default 256. */
  maxInFlight?: number;
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
  connected: boolean;
  /** Successful connections (the first one and every reconnection). */
  connects: number;
  /** Messages handed to `onUplink`. */
  uplinks: number;
  /** Messages on topics that are no device's uplink (never handed on). */
  ignored: number;
  uplinkFailures: number;
  inFlight: number;
  downlinks: number;
  downlinkFailures: number;
}

const DRAIN_MS = 5_000;

/**
 * The platform's side of an external Mosquitto (contract §1 with `MQTT_URL`): an MQTT 5 client that
 * takes its share of every device uplink through `$share/{group}/{prefix}/+/devices/+/+` and hands
 * each to `onUplink` as an `UplinkMessage`, and the `DeviceDownlink` port (errors at QoS 0, commands
 * at QoS 1). Authentication and the per-device ACL are Mosquitto's (see `MosquittoProvisioner`):
 * the device id is read from the topic, which only the ACL makes trustworthy.
 */
export class ExternalBroker implements DeviceDownlink {
  private readonly prefix: string;
  private readonly filter: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly maxInFlight: number;
  private connection: ManagedConnection | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** The packet pump's callback, held while `maxInFlight` uplinks are being handled. */
  private held: (() => void) | undefined;
  private readonly counts = { uplinks: 0, ignored: 0, uplinkFailures: 0, downlinks: 0, downlinkFailures: 0 };
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: ExternalBrokerOptions) {
    this.prefix = opts.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    this.filter = sharedUplinkFilter(this.prefix, opts.shareGroup ?? DEFAULT_SHARE_GROUP);
    this.clock = opts.clock ?? systemClock;
    this.log = (opts.logger ?? silentLogger()).child({ module: 'mqtt-external' });
    this.maxInFlight = opts.maxInFlight ?? 256;
  }

  /** The `DeviceDownlink` port, as `EmbeddedBroker.downlink`. */
  get downlink(): DeviceDownlink {
    return this;
  }

  get connected(): boolean {
    return this.connection?.connected ?? false;
  }

  /**
   * Connects and subscribes; rejects with `ExternalBrokerError` (`MQTT_AUTH_REFUSED`,
   * `MQTT_SUBSCRIBE_REFUSED`, `MQTT_START_TIMEOUT`). Later outages reconnect with backoff.
   */
  start(): Promise<void> {
    if (this.connection) throw new Error('ExternalBroker already started');
    this.connection = new ManagedConnection({
      url: this.opts.url,
      ...(this.opts.username !== undefined && { username: this.opts.username }),
      ...(this.opts.password !== undefined && { password: this.opts.password }),
      clientId: this.opts.clientId ?? `vigil-engine-${randomBytes(4).toString('hex')}`,
      keepaliveS: this.opts.keepaliveS ?? 30,
      startTimeoutMs: this.opts.startTimeoutMs ?? 30_000,
      ...(this.opts.reconnect && { reconnect: this.opts.reconnect }),
      clock: this.clock,
      log: this.log,
      onCreated: (client) => this.attach(client),
      onConnected: (client) => this.subscribe(client),
    });
    return this.connection.start();
  }

  private attach(client: MqttClient): void {
    client.on('message', (topic, payload) => this.receive(topic, payload));
    // mqtt.js reads the next packet (and sends a QoS 1 PUBACK) only once this calls back.
    client.handleMessage = (_packet, callback) => {
      if (this.inFlight.size < this.maxInFlight) callback();
      else this.held = () => callback();
    };
    // A held callback belongs to the dead connection's packet pump: never ack on the new one.
    client.on('close', () => {
      this.held = undefined;
    });
  }

  /** Clean start: the shared subscription is made again on every connection. */
  private async subscribe(client: MqttClient): Promise<void> {
    let granted: { qos: number }[];
    try {
      // Retain handling 2 (MQTT 5 §3.8.3.1): no stored retained messages at subscribe time. Mosquitto
      // 2.0 would otherwise replay every device's last status to each (re)subscribing worker, stale
      // Last Wills included; the embedded broker never feeds such re-deliveries to the ingest either.
      // Retained statuses published live still arrive.
      granted = await client.subscribeAsync(this.filter, { qos: 1, rh: 2 });
    } catch (err) {
      if (!isSubscribeRefusal(err)) throw err;
      throw this.subscribeRefused(err);
    }
    if (granted.some((g) => g.qos >= 0x80)) throw this.subscribeRefused();
    this.log.info({ filter: this.filter }, 'mqtt subscribed to device uplinks');
  }

  private subscribeRefused(cause?: unknown): ExternalBrokerError {
    return new ExternalBrokerError(
      'MQTT_SUBSCRIBE_REFUSED',
      `external broker refused the subscription ${this.filter}: the platform role lacks the ACL`,
      { cause },
    );
  }

  private receive(topic: string, payload: Buffer): void {
    const msg = toUplink(this.prefix, topic, payload, this.clock.now());
    if (!msg) {
      this.counts.ignored++;
      this.log.debug({ topic: topic.slice(0, 256) }, 'not a device uplink topic, ignored');
      return;
    }
    this.counts.uplinks++;
    let result: void | Promise<void>;
    try {
      result = this.opts.onUplink(msg);
    } catch (err) {
      this.counts.uplinkFailures++;
      this.log.error({ err, deviceId: msg.deviceId }, 'uplink handler threw');
      return;
    }
    if (!result) return;
    const pending: Promise<void> = result
      .catch((err: unknown) => {
        this.counts.uplinkFailures++;
        this.log.error({ err, deviceId: msg.deviceId }, 'uplink handler failed');
      })
      .finally(() => {
        this.inFlight.delete(pending);
        const held = this.held;
        this.held = undefined;
        held?.();
      });
    this.inFlight.add(pending);
  }

  /** contract §1: `errors` at QoS 0, `commands` at QoS 1, on the device's own topics. */
  publish(
    facilityId: string,
    deviceId: string,
    channel: DownlinkChannel,
    payload: IngestErrorMessage | DeviceCommand,
  ): Promise<void> {
    const client = this.connection?.mqtt;
    if (this.closing) return this.failDownlink(new ExternalBrokerError('MQTT_CLOSED', 'external broker closed'));
    if (!client || !this.connected) {
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
      connects: this.connection?.connects ?? 0,
      inFlight: this.inFlight.size,
      ...this.counts,
    };
  }

  /** Disconnects, stops reconnecting, then lets uplinks being handled finish (bounded); idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.connection?.close();
      this.held = undefined;
      if (this.inFlight.size === 0) return;
      let cancel = () => {};
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise<void>((resolve) => {
          cancel = this.clock.setTimeout(resolve, DRAIN_MS);
        }),
      ]);
      cancel();
    })();
    return this.closing;
  }
}
