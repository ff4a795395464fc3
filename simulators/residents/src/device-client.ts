import net from 'node:net';
import {
  DEFAULT_TOPIC_PREFIX,
  DeviceCommand,
  deviceTopic,
  IngestErrorMessage,
  type UplinkChannel,
} from '@vigil/contracts';
import { connect, type IClientOptions, MqttClient } from 'mqtt';
import { OFFLINE_STATUS, ONLINE_STATUS } from './payloads.ts';
import type { DeviceSpec } from './types.ts';

export interface DeviceClientOptions {
  /** `mqtt://host:port` (TCP with TCP_NODELAY), or `ws://…`, `mqtts://…` (mqtt.js defaults). */
  url: string;
  device: DeviceSpec;
  topicPrefix?: string;
  keepaliveS?: number;
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  /** Called for every message the platform sends the device (its `errors` and `commands` topics). */
  onDownlink?: (channel: 'errors' | 'commands', body: unknown) => void;
}

export interface DeviceClientStats {
  published: Record<UplinkChannel, number>;
  /** Publishes skipped because the device was not connected, or whose PUBACK never came. */
  notSent: number;
  connects: number;
  /** CONNACK refusals (contract §1: "bad username or password" for unknown device or wrong secret). */
  authFailures: number;
  /**
   * SUBACK 0x80 on the device's own `errors`/`commands` (an ACL problem on the platform side), or a
   * SUBSCRIBE left unanswered because the connection dropped.
   */
  subscribeRefused: number;
  /** Rejections received on `errors`, by code (contract §1.4). */
  errorsByCode: Record<string, number>;
  /** Commands received on `commands`, by type (e.g. `vibrate` after an SOS is acknowledged). */
  commandsByType: Record<string, number>;
  recentCommands: unknown[];
}

const RECENT_COMMANDS = 20;

/**
 * mqtt.js connection refusals that a retry cannot cure: bad credentials (3.1.1 codes 4/5, MQTT 5
 * reason codes 134/135) and a client id that is not the device id (contract §1: 3.1.1 code 2, MQTT 5
 * 133). The simulator always connects with client id = device id, so the latter means a broker
 * misconfiguration; counted with the refusals rather than retried every `reconnectPeriodMs`.
 */
const AUTH_REFUSALS = new Set([2, 4, 5, 133, 134, 135]);

const emptyStats = (): DeviceClientStats => ({
  published: { vitals: 0, events: 0, telemetry: 0, status: 0 },
  notSent: 0,
  connects: 0,
  authFailures: 0,
  subscribeRefused: 0,
  errorsByCode: {},
  commandsByType: {},
  recentCommands: [],
});

/**
 * One device's MQTT connection, as firmware would do it (contract §1): clientId = username = device id,
 * password = secret, clean session, Last Will `{"state":"offline"}` retained QoS 1 on its status topic,
 * retained `{"state":"online"}` on every connect, QoS 1 uplink, subscribed to its `errors` and `commands`.
 */
export class DeviceClient {
  private client: MqttClient | undefined;
  private readonly prefix: string;
  private readonly counters = emptyStats();
  private ended = false;

  constructor(private readonly options: DeviceClientOptions) {
    this.prefix = options.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
  }

  get deviceId(): string {
    return this.options.device.deviceId;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  topic(channel: Parameters<typeof deviceTopic>[3]): string {
    const { facilityId, deviceId } = this.options.device;
    return deviceTopic(this.prefix, facilityId, deviceId, channel);
  }

  /**
   * Connects (again, after `drop()`); resolves at the first CONNACK. Rejects on a credentials refusal
   * (no retry: a wrong secret stays wrong) or when `connectTimeoutMs` passes (mqtt.js keeps retrying).
   */
  connect(): Promise<void> {
    if (this.client && !this.client.disconnected)
      return this.client.connected ? Promise.resolve() : this.whenConnected(this.client);
    this.ended = false;
    const { device, url } = this.options;
    const opts: IClientOptions = {
      clientId: device.deviceId,
      username: device.deviceId,
      password: device.secret,
      clean: true,
      protocolVersion: 4,
      keepalive: this.options.keepaliveS ?? 30,
      reconnectPeriod: this.options.reconnectPeriodMs ?? 2000,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      // Subscriptions are renewed in the 'connect' handler; mqtt.js's own resubscribe would double them.
      resubscribe: false,
      will: { topic: this.topic('status'), payload: Buffer.from(JSON.stringify(OFFLINE_STATUS)), qos: 1, retain: true },
    };
    const client = createClient(url, opts);
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    // Other errors (refused or reset sockets, timeouts) end in `close` and mqtt.js reconnects: they show
    // as `connects`, `notSent` and the simulator's `connectFailures`.
    client.on('error', (err: Error & { code?: number | string }) => {
      if (typeof err.code === 'number' && AUTH_REFUSALS.has(err.code)) {
        this.counters.authFailures++;
        // Stop retrying, without DISCONNECT (there is no session to close).
        client.end(true);
      }
    });
    return this.whenConnected(client);
  }

  /** Publishes one uplink message at QoS 1; false when not connected or not acknowledged. */
  async publish(channel: Exclude<UplinkChannel, 'status'>, payload: string): Promise<boolean> {
    const client = this.client;
    if (!client?.connected) {
      this.counters.notSent++;
      return false;
    }
    try {
      await client.publishAsync(this.topic(channel), payload, { qos: 1 });
      this.counters.published[channel]++;
      return true;
    } catch {
      this.counters.notSent++;
      return false;
    }
  }

  /**
   * The device dies or loses its radio: the socket is destroyed without DISCONNECT, so the broker
   * publishes the Last Will ([MQTT-3.1.2-8]: the Will is published unless DISCONNECT was received).
   */
  drop(): void {
    const client = this.client;
    if (!client) return;
    client.stream.destroy();
    client.end(true);
  }

  /** Graceful shutdown: retained `offline` first (a clean DISCONNECT discards the Will), then DISCONNECT. */
  async end(): Promise<void> {
    const client = this.client;
    if (!client || this.ended) return;
    this.ended = true;
    if (client.connected) {
      try {
        await client.publishAsync(this.topic('status'), JSON.stringify(OFFLINE_STATUS), { qos: 1, retain: true });
        this.counters.published.status++;
      } catch {
        // Shutting down anyway; the Last Will says `offline` if this never arrived.
        this.counters.notSent++;
      }
    }
    await client.endAsync(!client.connected);
  }

  stats(): DeviceClientStats {
    const c = this.counters;
    return {
      ...c,
      published: { ...c.published },
      errorsByCode: { ...c.errorsByCode },
      commandsByType: { ...c.commandsByType },
      recentCommands: [...c.recentCommands],
    };
  }

  private whenConnected(client: MqttClient): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.deviceId}: no CONNACK within ${this.options.connectTimeoutMs ?? 10_000} ms`));
      }, this.options.connectTimeoutMs ?? 10_000);
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onError = (err: Error & { code?: number | string }) => {
        if (typeof err.code === 'number' && AUTH_REFUSALS.has(err.code)) {
          cleanup();
          reject(new Error(`${this.deviceId}: connection refused (${err.message})`));
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        client.off('connect', onConnect);
        client.off('error', onError);
      };
      client.on('connect', onConnect);
      client.on('error', onError);
    });
  }

  private onConnect(client: MqttClient): void {
    this.counters.connects++;
    client.publish(this.topic('status'), JSON.stringify(ONLINE_STATUS), { qos: 1, retain: true }, (err) => {
      if (err) this.counters.notSent++;
      else this.counters.published.status++;
    });
    client.subscribe(
      {
        [this.topic('errors')]: { qos: 0 },
        [this.topic('commands')]: { qos: 1 },
      },
      (err, granted) => {
        // No SUBACK (the connection dropped first): not subscribed either, until the next connect.
        if (err) this.counters.subscribeRefused++;
        for (const g of granted ?? []) if (g.qos === 128) this.counters.subscribeRefused++;
      },
    );
  }

  private onMessage(topic: string, payload: Buffer): void {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      body = undefined;
    }
    if (topic === this.topic('errors')) {
      const parsed = IngestErrorMessage.safeParse(body);
      const code = parsed.success ? parsed.data.code : 'unparseable';
      this.counters.errorsByCode[code] = (this.counters.errorsByCode[code] ?? 0) + 1;
      this.options.onDownlink?.('errors', body);
    } else if (topic === this.topic('commands')) {
      const parsed = DeviceCommand.safeParse(body);
      // Count unknown commands by their type too: the platform may extend the command set.
      const type = parsed.success ? parsed.data.type : typeOf(body);
      this.counters.commandsByType[type] = (this.counters.commandsByType[type] ?? 0) + 1;
      this.counters.recentCommands.push(body);
      if (this.counters.recentCommands.length > RECENT_COMMANDS) this.counters.recentCommands.shift();
      this.options.onDownlink?.('commands', body);
    }
  }
}

const typeOf = (body: unknown): string =>
  typeof body === 'object' && body !== null && 'type' in body && typeof body.type === 'string' ? body.type : 'unknown';

/**
 * mqtt.js never sets TCP_NODELAY, so small QoS 1 packets wait on Nagle's algorithm (tens of ms for an SOS).
 * For plain TCP we hand mqtt.js our own stream builder that creates the socket with noDelay; it is used
 * for every reconnect too, so the option is never lost. Other transports keep mqtt.js's builders.
 */
function createClient(url: string, opts: IClientOptions): MqttClient {
  const parsed = new URL(url);
  if (parsed.protocol === 'mqtt:' || parsed.protocol === 'tcp:') {
    const host = parsed.hostname.replace(/^\[|\]$/g, '') || 'localhost';
    const port = parsed.port ? Number(parsed.port) : 1883;
    return new MqttClient(() => net.createConnection({ host, port, noDelay: true }), opts);
  }
  const client = connect(url, opts);
  client.on('connect', () => {
    const stream = client.stream as { setNoDelay?: (on: boolean) => unknown };
    stream.setNoDelay?.(true);
  });
  return client;
}
