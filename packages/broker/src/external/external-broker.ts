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
import { SessionAdoption } from './session-adoption.ts';
import { SessionKeeper, type SessionKeeperTimings } from './session-keeper.ts';
import type { SessionRegistry } from './session-registry.ts';
import { DEFAULT_SHARE_GROUP, sharedUplinkFilter } from './uplink.ts';
import { UplinkConsumer } from './uplink-consumer.ts';

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
   * `MosquittoProvisioner`): no subscription, no registry, a clean session. Default true.
   */
  consume?: boolean;
  /** contract §1: `care`, configurable. */
  topicPrefix?: string;
  /** Shared-subscription group of the engine workers. Default `vigil`. */
  shareGroup?: string;
  /** Unique per worker and process start (the broker drops an older connection with the same id). Default random. */
  clientId?: string;
  /**
   * Uplinks handled at once; also the MQTT 5 Receive Maximum, so the broker never has more of ours
   * unacked (each is acked once `onUplink` settled). Default 256.
   */
  maxInFlight?: number;
  /**
   * With a registry (several engine processes), the session is persistent and registered, and the
   * sessions of workers that died are adopted (README "Worker sessions"). Without: clean sessions.
   */
  sessionRegistry?: SessionRegistry;
  /** Session Expiry Interval of the persistent session (with a registry). Default 3600 s. */
  sessionExpiryS?: number;
  /** Registry heartbeat and adoption timings (defaults: 1 s heartbeat, 5 s TTL, 1 s scan, 30 s lease). */
  adoption?: SessionKeeperTimings & {
    /** Quiet time after which an adopted session counts as drained. Default 1 s. */
    quietMs?: number;
  };
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
  /** Messages handed to `onUplink` (adopted sessions' included). */
  uplinks: number;
  /** Messages on topics that are no device's uplink (never handed on). */
  ignored: number;
  uplinkFailures: number;
  inFlight: number;
  downlinks: number;
  downlinkFailures: number;
  /** Dead workers' sessions adopted and ended. */
  adoptions: number;
  /** Adoptions under way. */
  adopting: number;
}

const DRAIN_MS = 5_000;
const UNSUBSCRIBE_TIMEOUT_MS = 2_000;
/** Quiet time after UNSUBSCRIBE at close: messages the broker had routed to us before it still arrive. */
const CLOSE_QUIET_MS = 200;
/** Longest an adopted session's backlog is read before it is left to another adopter. */
const ADOPTION_MAX_MS = 5 * 60_000;

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
  private readonly sessionExpiryS: number | undefined;
  private readonly consumes: boolean;
  private connection: ManagedConnection | undefined;
  private consumer: UplinkConsumer | undefined;
  private keeper: SessionKeeper | undefined;
  private readonly adoptions = new Map<SessionAdoption, UplinkConsumer>();
  private readonly counts = {
    uplinks: 0,
    ignored: 0,
    uplinkFailures: 0,
    downlinks: 0,
    downlinkFailures: 0,
    adoptions: 0,
  };
  private closing: Promise<void> | undefined;
  /** This process's client id, once started. */
  clientId: string | undefined;

  constructor(private readonly opts: ExternalBrokerOptions) {
    this.prefix = opts.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    this.filter = sharedUplinkFilter(this.prefix, opts.shareGroup ?? DEFAULT_SHARE_GROUP);
    this.clock = opts.clock ?? systemClock;
    this.log = (opts.logger ?? silentLogger()).child({ module: 'mqtt-external' });
    this.maxInFlight = opts.maxInFlight ?? 256;
    this.consumes = opts.consume ?? true;
    this.sessionExpiryS = this.consumes && opts.sessionRegistry ? (opts.sessionExpiryS ?? 3600) : undefined;
  }

  private newConsumer(): UplinkConsumer {
    return new UplinkConsumer({
      prefix: this.prefix,
      onUplink: this.opts.onUplink,
      maxInFlight: this.maxInFlight,
      counts: this.counts,
      clock: this.clock,
      log: this.log,
    });
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
  async start(): Promise<void> {
    if (this.connection) throw new Error('ExternalBroker already started');
    const role = this.consumes ? 'engine' : 'gateway';
    const clientId = this.opts.clientId ?? `vigil-${role}-${randomBytes(8).toString('hex')}`;
    this.clientId = clientId;
    const registry = this.consumes ? this.opts.sessionRegistry : undefined;
    if (registry) {
      this.keeper = new SessionKeeper({
        ...this.opts.adoption,
        registry,
        clientId,
        adopt: (dead) => this.adopt(dead, registry),
        // Registered while the first connection is made; after that, only while connected.
        alive: () => !this.connection || this.connection.connects === 0 || this.connected,
        clock: this.clock,
        log: this.log,
      });
      // Registered before the session exists: a worker dying right after CONNECT is still adopted.
      await this.keeper.start();
    }
    const consumer = this.newConsumer();
    this.consumer = consumer;
    this.connection = new ManagedConnection({
      url: this.opts.url,
      ...(this.opts.username !== undefined && { username: this.opts.username }),
      ...(this.opts.password !== undefined && { password: this.opts.password }),
      clientId,
      keepaliveS: this.opts.keepaliveS ?? 30,
      ...(this.sessionExpiryS !== undefined && { sessionExpiryS: this.sessionExpiryS }),
      receiveMaximum: this.maxInFlight,
      startTimeoutMs: this.opts.startTimeoutMs ?? 30_000,
      ...(this.opts.reconnect && { reconnect: this.opts.reconnect }),
      clock: this.clock,
      log: this.log,
      onCreated: (client) => consumer.attach(client),
      onConnected: (client) => (this.consumes ? this.subscribe(client) : Promise.resolve()),
    });
    try {
      await this.connection.start();
    } catch (err) {
      this.keeper?.stop();
      throw err;
    }
  }

  /** Receives a dead worker's share from its session, then ends the session (`SessionAdoption`). */
  private async adopt(clientId: string, registry: SessionRegistry): Promise<void> {
    if (this.closing) return registry.releaseAdoption(clientId);
    const consumer = this.newConsumer();
    const adoption = new SessionAdoption({
      url: this.opts.url,
      ...(this.opts.username !== undefined && { username: this.opts.username }),
      ...(this.opts.password !== undefined && { password: this.opts.password }),
      clientId,
      filter: this.filter,
      keepaliveS: this.opts.keepaliveS ?? 30,
      sessionExpiryS: this.sessionExpiryS ?? 3600,
      receiveMaximum: this.maxInFlight,
      consumer,
      registry,
      quietMs: this.opts.adoption?.quietMs ?? 1_000,
      maxMs: ADOPTION_MAX_MS,
      clock: this.clock,
      log: this.log,
    });
    this.adoptions.set(adoption, consumer);
    try {
      if ((await adoption.run()) === 'ended') this.counts.adoptions++;
    } finally {
      this.adoptions.delete(adoption);
    }
  }

  /** Made on every connection: a clean session has none, and a persistent one may have been lost. */
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
      inFlight: [this.consumer, ...this.adoptions.values()].reduce((n, c) => n + (c?.handling ?? 0), 0),
      adopting: this.adoptions.size,
      ...this.counts,
    };
  }

  /**
   * Stops taking uplinks (UNSUBSCRIBE), lets those being handled settle and be acked (bounded), then
   * disconnects; with a registry, with Session Expiry Interval 0 so Mosquitto deletes the session, and
   * deregisters. If that cannot be done cleanly (broker unreachable, drain timed out) the registration
   * is left to lapse, and another worker adopts what the session still holds. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.keeper?.stop();
      for (const adoption of this.adoptions.keys()) adoption.abort();
      const connection = this.connection;
      const client = connection?.mqtt;
      if (!connection || !client) return;
      connection.stopReconnecting();
      let drained = false;
      const wasConnected = connection.connected;
      if (wasConnected && this.consumer && this.consumes) {
        drained =
          (await this.withTimeout(client.unsubscribeAsync(this.filter), UNSUBSCRIBE_TIMEOUT_MS, 'unsubscribe')) &&
          (await this.consumer.waitIdle(CLOSE_QUIET_MS, DRAIN_MS)) &&
          connection.connected;
      }
      const registry = this.consumes ? this.opts.sessionRegistry : undefined;
      await connection.close(drained && registry ? { sessionExpiryInterval: 0 } : undefined);
      // Offline, the drain could not be waited for above: give the handlers the same bound here.
      if (!wasConnected) await this.consumer?.settle(DRAIN_MS);
      if (drained && registry && this.clientId) {
        await registry.remove(this.clientId).catch((err: unknown) => {
          this.log.warn({ err }, 'session ended but not removed from the registry');
        });
      }
    })();
    return this.closing;
  }

  /**
   * True if `p` fulfilled within `ms`. A rejection is logged and reads as false: on close, the session
   * is then left to lapse and a peer adopts what it still holds (README "Worker sessions").
   */
  private withTimeout(p: Promise<unknown>, ms: number, what: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const cancel = this.clock.setTimeout(() => resolve(false), ms);
      p.then(
        () => resolve(true),
        (err: unknown) => {
          this.log.warn({ err }, `${what} before close failed`);
          resolve(false);
        },
      ).finally(cancel);
    });
  }
}
