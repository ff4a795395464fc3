import type { Server as HttpServer } from 'node:http';
import {
  createEmbeddedBroker,
  ExternalBroker,
  MosquittoProvisioner,
  type UplinkHandler,
  type WebSocketAttachment,
} from '@vigil/broker';
import type { DeviceSecretSettings } from '@vigil/auth';
import type { DeviceDownlink } from '@vigil/engine';
import type { Clock, Logger } from '@vigil/runtime';
import type { DeviceStore } from '@vigil/stores';
import type { AppConfig } from './config.ts';

/** The MQTT side of the platform, whichever broker it is. */
export interface MqttSide {
  downlink: DeviceDownlink;
  /** Starts it; resolves with the embedded broker's port (0 with an external broker). */
  start(): Promise<number>;
  /** The embedded broker's MQTT-over-TLS port once started; undefined without TLS or broker. */
  tlsPort(): number | undefined;
  /** The embedded broker only: MQTT over WebSocket on `/mqtt` of an HTTP server (contract §1). */
  attachWebSocket?: (server: HttpServer) => WebSocketAttachment;
  close(): Promise<void>;
  /** An external broker must learn a new device's secret before the device can connect. */
  onDeviceProvisioned?: (device: { id: string; facilityId: string; secret: string }) => Promise<void>;
  onDeviceDecommissioned(deviceId: string): void;
  /**
   * A resident's transfer re-bound the device to another facility (issue 15): it is told so (a
   * `rebind` command on its old `commands` topic), its ACL moves to the new facility's topics and its
   * connection, authorised for the old ones, is dropped so it reconnects under the new.
   */
  onDeviceRebound(device: { id: string; fromFacilityId: string; toFacilityId: string }): Promise<void>;
  /** Where simulated devices connect. */
  deviceUrl(mqttPort: number): string;
  /** Counters for `/metrics`, read at scrape time. */
  gauges: readonly [name: string, help: string, read: () => number][];
}

/**
 * The embedded aedes broker (the default), or with `MQTT_URL` an external Mosquitto: the platform
 * consumes through a shared subscription and provisions device logins and ACLs into Mosquitto's
 * dynamic-security plugin, so authentication and ACL are enforced by the broker (architecture.md).
 */
export async function createMqttSide(
  config: AppConfig,
  deps: {
    devices: DeviceStore;
    clock: Clock;
    logger: Logger;
    onUplink: UplinkHandler;
    /** False in a gateway process: downlinks and provisioning only, no share of the device messages. */
    consume?: boolean;
    /** How device secrets are verified by the embedded broker (server peppers). */
    deviceSecrets?: DeviceSecretSettings;
  },
): Promise<MqttSide> {
  const logger = deps.logger.child({ module: 'broker' });
  const m = config.mqtt;
  if (!m) {
    const broker = await createEmbeddedBroker({
      port: config.mqttPort,
      host: config.host,
      devices: deps.devices,
      ...(deps.deviceSecrets && { deviceSecrets: deps.deviceSecrets }),
      topicPrefix: config.topicPrefix,
      logger,
      onUplink: deps.onUplink,
      ...(config.mqttTls && { tls: config.mqttTls }),
    });
    const s = () => broker.stats();
    let tlsPort: number | undefined;
    return {
      downlink: broker.downlink,
      async start() {
        const port = await broker.listen();
        tlsPort = await broker.listenTls();
        return port;
      },
      tlsPort: () => tlsPort,
      attachWebSocket: (server) => broker.attachWebSocket(server, '/mqtt'),
      close: () => broker.close(),
      onDeviceDecommissioned: (id) => broker.disconnectDevice(id),
      async onDeviceRebound(d) {
        await tellRebind(broker.downlink, d, logger);
        // The embedded broker authorises topics from the device record read at CONNECT.
        await broker.disconnectDevice(d.id);
      },
      deviceUrl: (port) => `mqtt://127.0.0.1:${port}`,
      gauges: [
        ['vigil_mqtt_devices_connected', 'Devices with an authenticated MQTT connection.', () => s().connectedDevices],
        [
          'vigil_mqtt_auth_failures',
          'MQTT CONNECTs refused for bad credentials (return code 4).',
          () => s().authFailures,
        ],
        [
          'vigil_mqtt_identifier_rejections',
          'MQTT CONNECTs refused because the client id was not the device id (return code 2).',
          () => s().identifierRejections,
        ],
        [
          'vigil_mqtt_acl_violations',
          "Publishes outside the device's own topics (connection closed).",
          () => s().aclViolations,
        ],
        ['vigil_mqtt_refused_subscriptions', 'Subscriptions refused with SUBACK 0x80.', () => s().refusedSubscriptions],
        [
          'vigil_mqtt_oversized_packets',
          'MQTT packets over the size limit (connection closed).',
          () => s().oversizedPackets,
        ],
        ['vigil_mqtt_uplink_failures', 'Accepted publishes whose processing failed.', () => s().uplinkFailures],
      ],
    };
  }
  const common = { url: m.url, topicPrefix: config.topicPrefix, shareGroup: m.shareGroup, clock: deps.clock, logger };
  const provisioner = new MosquittoProvisioner({ ...common, username: m.adminUsername, password: m.adminPassword });
  const external = new ExternalBroker({
    ...common,
    username: m.username,
    password: m.password,
    onUplink: deps.onUplink,
    ...(deps.consume === false && { consume: false }),
    // A stable identity: persistent sessions that this engine resumes when it restarts under it.
    ...(m.engineId !== undefined && { engineId: m.engineId }),
    ...(m.consumers !== undefined && { consumers: m.consumers }),
    ...(m.sessionExpiryS !== undefined && { sessionExpiryS: m.sessionExpiryS }),
  });
  const s = () => external.stats();
  return {
    downlink: external.downlink,
    async start() {
      await provisioner.start();
      await provisioner.applyDefaultAcl();
      await provisioner.ensurePlatformClient({ username: m.username, password: m.password });
      // contract §1: device clients provisioned before client ids were bound get bound now.
      await provisioner.bindDeviceClientIds();
      await external.start();
      return 0;
    },
    tlsPort: () => undefined,
    async close() {
      await external.close();
      await provisioner.close();
    },
    onDeviceProvisioned: (d) =>
      provisioner.provisionDevice({ deviceId: d.id, facilityId: d.facilityId, secret: d.secret }),
    onDeviceDecommissioned: (id) => {
      provisioner
        .decommissionDevice(id)
        .catch((err: unknown) => logger.error({ err, deviceId: id }, 'decommission in the broker failed'));
    },
    async onDeviceRebound(d) {
      await tellRebind(external.downlink, d, logger);
      await provisioner.rebindDevice(d.id, d.toFacilityId);
    },
    deviceUrl: () => withoutCredentials(m.url),
    gauges: [
      [
        'vigil_mqtt_broker_connected',
        'Every connection of the platform to the external broker is up (1) or not (0).',
        () => (s().connected ? 1 : 0),
      ],
      [
        'vigil_mqtt_consumers_connected',
        "This engine's connections in the shared subscription that are up.",
        () => s().consumersConnected,
      ],
      ['vigil_mqtt_uplinks', 'Uplink messages received from the external broker.', () => s().uplinks],
      [
        'vigil_mqtt_uplink_failures',
        'Uplink messages whose processing failed (not acknowledged: the broker sends them again).',
        () => s().uplinkFailures,
      ],
      [
        'vigil_mqtt_downlink_failures',
        'Downlinks (errors, commands) the broker did not take.',
        () => s().downlinkFailures,
      ],
    ],
  };
}

/** Best effort: a device that is offline learns it from its new ACL (its old topics are refused). */
async function tellRebind(
  downlink: DeviceDownlink,
  d: { id: string; fromFacilityId: string; toFacilityId: string },
  logger: Logger,
): Promise<void> {
  try {
    await downlink.publish(d.fromFacilityId, d.id, 'commands', { type: 'rebind', facilityId: d.toFacilityId });
  } catch (err) {
    logger.warn({ err, deviceId: d.id }, 'rebind command not sent');
  }
}

function withoutCredentials(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}
