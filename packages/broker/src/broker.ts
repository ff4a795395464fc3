import type { DeviceSecretSettings, FailureBackoff } from '@vigil/auth';
import type { Server as HttpServer } from 'node:http';
import { Aedes } from 'aedes';
import { DEFAULT_TOPIC_PREFIX } from '@vigil/contracts';
import type { DeviceDownlink } from '@vigil/engine';
import { type Clock, type Logger, silentLogger, systemClock } from '@vigil/runtime';
import type { DeviceStore } from '@vigil/stores';
import { DeviceAuthenticator } from './auth.ts';
import { deviceBackoff, guardConnect } from './connect-guard.ts';
import { BrokerDownlink, publishAsPlatform, type QoS } from './downlink.ts';
import { createHooks, type UplinkHandler } from './hooks.ts';
import { type BrokerStats, DeviceRegistry } from './registry.ts';
import { TcpListener } from './server.ts';
import { attachMqttWebSocket, type WebSocketAttachment } from './websocket.ts';

export interface EmbeddedBrokerOptions {
  /** Devices to authenticate against (contract §1: username = device id, password = secret). */
  devices: DeviceStore;
  /** How their secrets are verified (server peppers); absent: argon2id only. */
  deviceSecrets?: DeviceSecretSettings;
  /** Every publish of an authenticated device, its Last Will included. */
  onUplink: UplinkHandler;
  /** TCP port; 0 picks a free one (contract §5). Default 1883. */
  port?: number;
  host?: string;
  /** contract §1: `care`, configurable. */
  topicPrefix?: string;
  clock?: Clock;
  logger?: Logger;
  /** Largest MQTT packet a connection may send; larger closes the connection. Default 1 MiB. */
  maxPacketBytes?: number;
  /** Largest keepalive a device may ask for, seconds. Default 300. */
  keepaliveLimitS?: number;
  /** Back-off after refused CONNECTs (issue 13); default `DEVICE_BACKOFF` (connect-guard.ts). */
  connectBackoff?: FailureBackoff;
  /** MQTT over TLS as well (docs/deploy.md "Devices over TLS"): its port (0 picks one), cert and key. */
  tls?: MqttTlsOptions;
}

export interface MqttTlsOptions {
  port: number;
  /** PEM: the server certificate (with its chain) and its private key. */
  cert: Buffer;
  key: Buffer;
  /** PEM CA certificates: when given, a client must present a certificate one of them signed. */
  clientCa?: Buffer;
}

export interface EmbeddedBroker {
  /** Starts the TCP listener; resolves with the actual port; rejects with `PortInUseError`. */
  listen(): Promise<number>;
  /** Starts the TLS listener when `tls` was given; resolves with its port, or undefined without one. */
  listenTls(): Promise<number | undefined>;
  /** Publishes as the platform (ACL-exempt). */
  publish(topic: string, payload: Buffer | string, qos?: QoS): Promise<void>;
  /** The `DeviceDownlink` port: errors at QoS 0, commands at QoS 1. */
  readonly downlink: DeviceDownlink;
  /** Closes every connection of a device (e.g. just decommissioned); returns how many. */
  disconnectDevice(deviceId: string): Promise<number>;
  /** MQTT over WebSocket on `path` (default `/mqtt`) of an HTTP server. */
  attachWebSocket(server: HttpServer, path?: string): WebSocketAttachment;
  stats(): BrokerStats;
  /** Closes listeners, connections and aedes; idempotent. */
  close(): Promise<void>;
  readonly aedes: Aedes;
}

const MIB = 1024 * 1024;

/** The embedded aedes broker with contract §1 authentication, ACL and ingest hooks. */
export async function createEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = (opts.logger ?? silentLogger()).child({ module: 'broker' });
  const prefix = opts.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
  const maxPacketBytes = opts.maxPacketBytes ?? MIB;
  const registry = new DeviceRegistry();
  const authenticator = new DeviceAuthenticator(opts.devices, opts.deviceSecrets);
  const hooks = createHooks({
    prefix,
    registry,
    authenticator,
    onUplink: opts.onUplink,
    clock: opts.clock ?? systemClock,
    log,
  });
  const aedes = await Aedes.createBroker({
    ...hooks,
    authenticate: guardConnect(
      hooks.authenticate,
      opts.connectBackoff ?? deviceBackoff(opts.clock ?? systemClock),
      log,
    ),
    // Bounds per-client state against a misbehaving device (QoS 2 awaiting PUBREL, pre-CONNACK queue).
    maxInflightInbound: 100,
    queueLimit: 42,
    connectTimeout: 10_000,
    drainTimeout: 10_000,
    keepaliveLimit: opts.keepaliveLimitS ?? 300,
    maxClientsIdLength: 128,
    maxTopicLevels: 16,
  });
  aedes.on('clientReady', (client) => registry.connected(client));
  aedes.on('clientDisconnect', (client) => registry.disconnected(client));
  aedes.on('clientError', (client, err) => {
    log.debug({ deviceId: registry.identity(client)?.deviceId, err: err.message }, 'mqtt client error');
  });
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'mqtt connection error'));

  const onOversized = () => registry.countOversizedPacket();
  const tcp = new TcpListener(aedes, {
    port: opts.port ?? 1883,
    host: opts.host ?? '0.0.0.0',
    maxPacketBytes,
    onOversized,
    log,
  });
  // Same aedes, so the same authentication, ACL, hooks and packet-size guard as plain TCP.
  const tls =
    opts.tls &&
    new TcpListener(aedes, {
      port: opts.tls.port,
      host: opts.host ?? '0.0.0.0',
      maxPacketBytes,
      onOversized,
      log,
      tls: {
        cert: opts.tls.cert,
        key: opts.tls.key,
        // Mutual TLS on top of the secret: no handshake without a certificate from this CA.
        ...(opts.tls.clientCa && { ca: opts.tls.clientCa, requestCert: true, rejectUnauthorized: true }),
      },
    });
  const attachments: WebSocketAttachment[] = [];
  let closing: Promise<void> | undefined;

  return {
    aedes,
    downlink: new BrokerDownlink(aedes, prefix),
    listen: () => tcp.listen(),
    listenTls: async () => tls?.listen(),
    publish: (topic, payload, qos = 0) => publishAsPlatform(aedes, topic, payload, qos),
    async disconnectDevice(deviceId) {
      authenticator.forget(deviceId);
      const clients = registry.clientsOf(deviceId);
      await Promise.all(clients.map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
      if (clients.length > 0) log.info({ deviceId, connections: clients.length }, 'device disconnected by platform');
      return clients.length;
    },
    attachWebSocket(server, path = '/mqtt') {
      const a = attachMqttWebSocket(aedes, server, { path, maxPacketBytes, onOversized });
      attachments.push(a);
      return a;
    },
    stats: () => registry.stats(),
    close() {
      closing ??= (async () => {
        // Stop accepting first, then close clients (their wills go out), then aedes itself.
        const listening = Promise.all([tcp.close(), tls?.close()]);
        await Promise.all(attachments.map((a) => a.close()));
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        await listening;
      })();
      return closing;
    },
  };
}
