import {
  type DevicePeppers,
  type DeviceSecretSettings,
  hashNewDeviceSecret,
  hashSecret,
  randomDevicePeppers,
} from '@vigil/auth';
import type { UplinkMessage } from '@vigil/engine';
import { silentLogger } from '@vigil/runtime';
import { createMemoryStores, type DeviceRecord, type Stores } from '@vigil/stores';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { createEmbeddedBroker, type EmbeddedBroker } from '../src/index.ts';

export const FACILITY = 'fac-a';
export const SECRET = 'correct-horse-battery-staple';

export const topicOf = (deviceId: string, channel: string, facilityId = FACILITY) =>
  `care/${facilityId}/devices/${deviceId}/${channel}`;

/** The peppers `startBroker` verifies with and `provision` hashes with, as the composition root gives them (issue 12). */
export const PEPPERS = randomDevicePeppers();

/**
 * Provisions devices with real hashes, as the REST API would (an HMAC under the store's pepper), or
 * with `legacy` an argon2id hash, as provisioning made before issue 12.
 */
export async function provision(
  stores: Stores,
  devices: { id: string; facilityId?: string; state?: DeviceRecord['state'] }[],
  /** `secrets: null`: hashed as without a pepper (argon2id). */
  opts: { legacy?: boolean; secrets?: DeviceSecretSettings | null } = {},
): Promise<void> {
  const settings = opts.secrets === null ? undefined : (opts.secrets ?? { peppers: PEPPERS });
  const secretHash = opts.legacy ? await hashSecret(SECRET) : await hashNewDeviceSecret(settings, SECRET);
  for (const d of devices) {
    await stores.devices.put({
      id: d.id,
      kind: 'wearable',
      facilityId: d.facilityId ?? FACILITY,
      secretHash,
      state: d.state ?? 'provisioned',
      createdAt: Date.now(),
    });
  }
}

export interface BrokerHarness {
  broker: EmbeddedBroker;
  stores: Stores;
  port: number;
  uplinks: UplinkMessage[];
  connect(deviceId: string, opts?: Partial<IClientOptions>): Promise<MqttClient>;
  close(): Promise<void>;
}

export async function startBroker(
  onUplink?: (msg: UplinkMessage, stores: Stores) => void | Promise<void>,
  stores: Stores = createMemoryStores(),
  /** `unpeppered`: no peppers (argon2id only, as before issue 12); `peppers`: others than `PEPPERS`. */
  opts: { unpeppered?: boolean; peppers?: DevicePeppers } = {},
): Promise<BrokerHarness> {
  const uplinks: UplinkMessage[] = [];
  const broker = await createEmbeddedBroker({
    devices: stores.devices,
    ...(!opts.unpeppered && { deviceSecrets: { peppers: opts.peppers ?? PEPPERS } }),
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger(),
    onUplink: (msg) => {
      uplinks.push(msg);
      return onUplink?.(msg, stores);
    },
  });
  const port = await broker.listen();
  const clients: MqttClient[] = [];
  return {
    broker,
    stores,
    port,
    uplinks,
    async connect(deviceId, opts = {}) {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
        username: deviceId,
        password: SECRET,
        clientId: deviceId, // contract §1: the client id is the device id
        reconnectPeriod: 0,
        connectTimeout: 5000,
        ...opts,
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      await broker.close();
    },
  };
}
