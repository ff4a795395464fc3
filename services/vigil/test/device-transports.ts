import type { AlertEnvelope } from '@vigil/contracts';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { expect } from 'vitest';
import type { BoardSocket, createPlatformClient } from './harness.ts';

type PlatformClient = ReturnType<typeof createPlatformClient>;

/**
 * How a test connects a device over one transport (mqtts://, ws://…/mqtt): the same credentials as
 * on 1883 (contract §1: username = device id, password = secret, client id = device id).
 */
export type Connect = (deviceId: string, secret: string, opts?: Partial<IClientOptions>) => Promise<MqttClient>;

/**
 * Resolves with the client once CONNACK accepts; rejects with the CONNACK code (`code: 4`) or the
 * transport's error (a certificate not trusted), or when the connection closes before either.
 */
export function connectOnce(url: string, opts: IClientOptions, opened: MqttClient[]): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...opts });
  opened.push(client);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => reject(err));
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

/** The first `alert` event of a board matching `pred`. */
export function nextAlert(board: BoardSocket, pred: (e: AlertEnvelope) => boolean, timeoutMs = 5000) {
  return new Promise<AlertEnvelope>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching alert event')), timeoutMs);
    const on = (e: AlertEnvelope) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      board.off('alert', on);
      resolve(e);
    };
    board.on('alert', on);
  });
}

/** An SOS over the transport reaches the on-duty caregiver's board as `alert.raised`. */
export async function sosReachesBoard(
  p: PlatformClient,
  connect: Connect,
  device: { deviceId: string; secret: string },
) {
  const carer = await p.login('carer1', 'carer-pass-123');
  await p.must('PUT', '/api/users/carer1/duty', carer, { onDuty: true });
  const board = await p.connectBoard(carer);
  const wearable = await connect(device.deviceId, device.secret);
  const raised = nextAlert(board, (e) => e.type === 'alert.raised' && e.data.deviceId === device.deviceId);
  const sos = JSON.stringify({ ts: Date.now(), type: 'sos' });
  await wearable.publishAsync(`care/f1/devices/${device.deviceId}/events`, sos, { qos: 1 });
  expect((await raised).data).toMatchObject({ kind: 'sos', priority: 'high', deviceId: device.deviceId });
  await wearable.endAsync();
}

/** A wrong secret is CONNACK 4, as on 1883. */
export async function wrongSecretRefused(connect: Connect, deviceId: string) {
  const err = await connect(deviceId, 'not-the-secret').then(
    () => undefined,
    (e: Error & { code?: number }) => e,
  );
  expect(err?.code).toBe(4);
}

/**
 * Publishing under another device's topic closes the connection and nothing of it is processed
 * (contract §1 ACL): the victim's counters stay where they were.
 */
export async function aclViolationCloses(
  p: PlatformClient & { accepted(deviceId: string): Promise<number> },
  connect: Connect,
  attacker: { deviceId: string; secret: string },
  victimId: string,
) {
  const before = await p.accepted(victimId);
  const client = await connect(attacker.deviceId, attacker.secret);
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  client.publish(`care/f1/devices/${victimId}/events`, JSON.stringify({ ts: Date.now(), type: 'sos' }), { qos: 0 });
  await closed;
  await new Promise((r) => setTimeout(r, 300));
  expect(await p.accepted(victimId)).toBe(before);
}

/** Subscribing to another device's commands is refused with SUBACK 0x80; the connection stays up. */
export async function foreignSubscriptionRefused(
  connect: Connect,
  device: { deviceId: string; secret: string },
  victimId: string,
) {
  const client = await connect(device.deviceId, device.secret);
  const err = await client
    .subscribeAsync(`care/f1/devices/${victimId}/commands`, { qos: 1 })
    .catch((e: Error & { packet?: { granted?: number[] } }) => e);
  expect((err as { packet?: { granted?: number[] } }).packet?.granted).toEqual([128]);
  expect(client.connected).toBe(true);
  await client.endAsync();
}
