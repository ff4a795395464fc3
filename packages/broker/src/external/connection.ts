import type { IClientOptions, MqttClient } from 'mqtt';
import type { Clock, Logger } from '@vigil/runtime';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { ExternalBrokerError } from './errors.ts';
import { createMqttClient, redactUrl } from './mqtt-client.ts';

export interface ManagedConnectionOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  keepaliveS: number;
  /**
   * Session Expiry Interval (MQTT 5 §3.1.2.11.2) of a persistent session (clean start off), whose
   * unacked and queued messages outlive the connection; absent: clean sessions.
   */
  sessionExpiryS?: number;
  /** MQTT 5 Receive Maximum (§3.1.2.11.3): QoS 1 messages the broker may send us unacked. */
  receiveMaximum?: number;
  /**
   * Runs after every CONNACK, before the connection counts as up: where subscriptions are (re)made
   * (a clean session has none; a persistent one may have lost its own).
   */
  onConnected: (client: MqttClient) => Promise<void>;
  /** Runs once, right after the client is created and before it connects: attach listeners here. */
  onCreated?: (client: MqttClient) => void;
  reconnect?: BackoffOptions;
  startTimeoutMs: number;
  clock: Clock;
  log: Logger;
}

/** CONNACK refusals that mean "these credentials are not welcome" (3.1.1: 4, 5; MQTT 5: 0x86, 0x87). */
const AUTH_REFUSED = new Set([4, 5, 0x86, 0x87]);
const CONNECT_TIMEOUT_MS = 10_000;
const END_GRACE_MS = 5_000;

/**
 * One MQTT 5 connection of the platform to an external broker: TCP_NODELAY, a clean or persistent
 * session (`sessionExpiryS`), and its own reconnect loop with exponential backoff and jitter (mqtt.js's
 * fixed `reconnectPeriod` is turned off).
 * `start()` resolves once connected and `onConnected` succeeded; it rejects on refused credentials or
 * a refused subscription (configuration errors, not outages) or after `startTimeoutMs`. After that,
 * every outage is retried until `close()`.
 */
export class ManagedConnection {
  private client: MqttClient | undefined;
  private up = false;
  private closing = false;
  private attempt = 0;
  private cancelRetry: (() => void) | undefined;
  private startup: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private lastError: Error | undefined;
  /** Successful (re)connections so far. */
  connects = 0;

  constructor(private readonly opts: ManagedConnectionOptions) {}

  get connected(): boolean {
    return this.up && this.client?.connected === true;
  }

  get clientId(): string {
    return this.opts.clientId;
  }

  /** The mqtt.js client, once `start()` was called. */
  get mqtt(): MqttClient | undefined {
    return this.client;
  }

  start(): Promise<void> {
    if (this.client) throw new Error('ManagedConnection already started');
    const { opts } = this;
    return new Promise<void>((resolve, reject) => {
      const cancelTimeout = opts.clock.setTimeout(() => {
        const cause = this.lastError ? `: ${this.lastError.message}` : '';
        this.failStart(
          new ExternalBrokerError('MQTT_START_TIMEOUT', `no MQTT connection to ${redactUrl(opts.url)}${cause}`, {
            cause: this.lastError,
          }),
        );
      }, opts.startTimeoutMs);
      this.startup = {
        resolve: () => {
          cancelTimeout();
          resolve();
        },
        reject: (err) => {
          cancelTimeout();
          reject(err);
        },
      };
      const clientOpts: IClientOptions = {
        protocolVersion: 5,
        clientId: opts.clientId,
        clean: opts.sessionExpiryS === undefined,
        keepalive: opts.keepaliveS,
        connectTimeout: CONNECT_TIMEOUT_MS,
        reconnectPeriod: 0,
        properties: {
          ...(opts.sessionExpiryS !== undefined && { sessionExpiryInterval: opts.sessionExpiryS }),
          ...(opts.receiveMaximum !== undefined && { receiveMaximum: opts.receiveMaximum }),
        },
        ...(opts.username !== undefined && { username: opts.username }),
        ...(opts.password !== undefined && { password: opts.password }),
      };
      let client: MqttClient;
      try {
        client = createMqttClient(opts.url, clientOpts);
      } catch (err) {
        // An unparsable URL: a configuration error, reported at once.
        this.startup = undefined;
        cancelTimeout();
        reject(err);
        return;
      }
      this.client = client;
      opts.onCreated?.(client);
      client.on('connect', () => this.onConnack(client));
      client.on('error', (err) => this.onError(err));
      client.on('close', () => this.onClose(client));
    });
  }

  private onConnack(client: MqttClient): void {
    this.opts.onConnected(client).then(
      () => {
        if (this.closing) return;
        this.up = true;
        this.attempt = 0;
        this.lastError = undefined;
        this.connects++;
        this.opts.log.info(
          { url: redactUrl(this.opts.url), clientId: this.opts.clientId, connects: this.connects },
          this.connects === 1 ? 'mqtt connected to external broker' : 'mqtt reconnected to external broker',
        );
        const startup = this.startup;
        this.startup = undefined;
        startup?.resolve();
      },
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        this.lastError = error;
        this.opts.log.error({ err: error, clientId: this.opts.clientId }, 'mqtt setup after connect failed');
        if (this.startup) return this.failStart(error);
        // Drop the connection; the reconnect loop tries again with backoff.
        client.stream?.destroy();
      },
    );
  }

  private onError(err: Error & { code?: unknown }): void {
    this.lastError = err;
    if (typeof err.code === 'number' && AUTH_REFUSED.has(err.code)) {
      this.opts.log.error(
        { url: redactUrl(this.opts.url), username: this.opts.username, returnCode: err.code },
        'mqtt credentials refused by external broker',
      );
      if (this.startup) {
        this.failStart(
          new ExternalBrokerError('MQTT_AUTH_REFUSED', `external broker refused the credentials: ${err.message}`, {
            cause: err,
          }),
        );
      }
      return;
    }
    this.opts.log.debug({ err: err.message, clientId: this.opts.clientId }, 'mqtt connection error');
  }

  private onClose(client: MqttClient): void {
    const wasUp = this.up;
    this.up = false;
    if (this.closing || this.cancelRetry) return;
    const delayMs = backoffDelay(this.attempt++, this.opts.reconnect);
    const fields = { url: redactUrl(this.opts.url), clientId: this.opts.clientId, attempt: this.attempt, delayMs };
    if (wasUp) this.opts.log.warn(fields, 'mqtt connection to external broker lost, reconnecting');
    else this.opts.log.info({ ...fields, err: this.lastError?.message }, 'mqtt reconnect scheduled');
    this.cancelRetry = this.opts.clock.setTimeout(() => {
      this.cancelRetry = undefined;
      if (this.closing) return;
      // Keep the stores: QoS 1 downlinks not yet acknowledged are resent on the new connection.
      client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    }, delayMs);
  }

  private failStart(err: Error): void {
    const startup = this.startup;
    this.startup = undefined;
    if (!startup) return;
    void this.close();
    startup.reject(err);
  }

  /** Stops reconnecting (a lost connection stays lost) but keeps the current one; for draining. */
  stopReconnecting(): void {
    this.closing = true;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
  }

  /**
   * Ends the connection (DISCONNECT if up, with `disconnect`'s properties, e.g. Session Expiry
   * Interval 0 to end a persistent session) and stops reconnecting; idempotent.
   */
  async close(disconnect?: { sessionExpiryInterval?: number }): Promise<void> {
    this.stopReconnecting();
    this.up = false;
    const client = this.client;
    if (!client || client.disconnected) return;
    await new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        cancel();
        resolve();
      };
      // A DISCONNECT that cannot be written (half-open socket) must not hold shutdown.
      const cancel = this.opts.clock.setTimeout(() => {
        client.stream?.destroy();
        finish();
      }, END_GRACE_MS);
      client.end(!client.connected, disconnect ? { properties: disconnect } : {}, finish);
    });
    this.startup?.reject(new ExternalBrokerError('MQTT_CLOSED', 'closed before the connection was up'));
    this.startup = undefined;
  }
}
