import type { Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import type { ConnectOrder, ConnectResult, DeviceCredentials } from './ipc.ts';
import { type Wearable, wearable } from './payloads.ts';
import { mapPool } from './pool.ts';
import { summarize } from './stats.ts';

/** One connected wearable of a fleet process. */
export interface Device {
  index: number;
  id: string;
  client: MqttClient;
  vitalsTopic: string;
  eventsTopic: string;
  source: Wearable;
  /**
   * Next `seq` (contract §1.1), shared by its channels as simulators/residents does. Starts at the
   * wall clock in ms, so a rerun against the same platform is never dropped as duplicates.
   */
  seq: number;
  /** Set when its connection closes before the fleet ends it. */
  lost: boolean;
}

/**
 * Connects every device of this fleet process, `concurrency` CONNECTs in flight, each until its
 * CONNACK. Devices log in as provisioned (client id = username = device id, contract §1), MQTT 3.1.1,
 * clean session, TCP_NODELAY as firmware should have it (else Nagle holds small PUBACKs back).
 */
export async function connectDevices(order: ConnectOrder): Promise<{ devices: Device[]; result: ConnectResult }> {
  const devices: Device[] = [];
  const connackMs: number[] = [];
  let refused = 0;
  const seqStart = Date.now();
  const start = performance.now();
  await mapPool(order.devices, order.concurrency, async (cred: DeviceCredentials) => {
    const t0 = performance.now();
    let client: MqttClient;
    try {
      client = await mqtt.connectAsync(order.url, {
        clientId: cred.id,
        ...(cred.secret !== undefined && { username: cred.id, password: cred.secret }),
        protocolVersion: 4,
        clean: true,
        // A lost connection stays lost: reconnecting would hide what the run is meant to count.
        reconnectPeriod: 0,
        // A slow connect storm must be timed, not cut short by the client.
        connectTimeout: 300_000,
        keepalive: 60,
      });
    } catch {
      refused++;
      return;
    }
    connackMs.push(performance.now() - t0);
    (client.stream as Socket).setNoDelay?.(true);
    const device: Device = {
      index: cred.index,
      id: cred.id,
      client,
      vitalsTopic: `${order.topicPrefix}/${order.facilityId}/devices/${cred.id}/vitals`,
      eventsTopic: `${order.topicPrefix}/${order.facilityId}/devices/${cred.id}/events`,
      source: wearable(cred.index + 1),
      seq: seqStart,
      lost: false,
    };
    client.on('close', () => {
      device.lost = true;
    });
    // An error on one connection (e.g. ECONNRESET) is counted through `close`, never thrown.
    client.on('error', () => {});
    devices.push(device);
  });
  const seconds = (performance.now() - start) / 1000;
  devices.sort((a, b) => a.index - b.index);
  const s = summarize(connackMs);
  return {
    devices,
    result: { connected: devices.length, refused, seconds, connackMs: { p50: s.p50, p99: s.p99, max: s.max } },
  };
}

/** Ends every connection (DISCONNECT, so no Last Will fires). */
export async function disconnectDevices(devices: readonly Device[]): Promise<void> {
  await mapPool(devices, 500, async (d) => {
    await d.client.endAsync().catch(() => undefined);
  });
}
