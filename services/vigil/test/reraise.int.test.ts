import type { Alert, AlertEnvelope, Task } from '@vigil/contracts';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoardSocket, type Platform, startPlatform } from './harness.ts';

/**
 * Re-raise through the real path (contract §3.1, clinical.md "Repeats re-raise"): wearable → MQTT →
 * engine → event log → Socket.IO, acknowledgement and tasks over REST, commands back to the device.
 */
describe('a new call for help on an open alert re-raises it', () => {
  let p: Platform;
  let devices: { residentId: string; deviceId: string; secret: string }[];
  let carer: string;
  let board: BoardSocket;
  /** Every alert event the caregiver's board received, in order. */
  const seen: AlertEnvelope[] = [];

  beforeAll(async () => {
    p = await startPlatform();
    ({ devices } = await p.provision(3));
    carer = await p.login('carer1', 'carer-pass-123');
    board = await p.connectBoard(carer);
    board.on('alert', (e) => seen.push(e));
  });
  afterAll(async () => {
    await p?.stop();
  });

  /** The wearable of resident `i` (0-based), with the commands it receives. */
  async function wearable(i: number) {
    const { deviceId, secret } = devices[i]!;
    const device = await p.connectDevice(deviceId, secret);
    await device.subscribeAsync(`care/f1/devices/${deviceId}/commands`, { qos: 1 });
    const commands: unknown[] = [];
    device.on('message', (_t, payload) => commands.push(JSON.parse(payload.toString())));
    return { deviceId, device, commands };
  }

  const press = (device: MqttClient, deviceId: string, type: 'sos' | 'fall') =>
    device.publishAsync(`care/f1/devices/${deviceId}/events`, JSON.stringify({ ts: Date.now(), type }), { qos: 1 });

  /** Waits until the board has an alert event of this type (for this alert, once known); returns the newest. */
  async function onBoard(type: AlertEnvelope['type'], match: (a: Alert) => boolean): Promise<AlertEnvelope> {
    const find = () => seen.filter((e) => e.type === type && match(e.data)).at(-1);
    await expect.poll(find, { timeout: 5000 }).toBeDefined();
    return find()!;
  }

  const tasksOf = async (alertId: string) =>
    (await p.must<Task[]>('GET', '/api/tasks', carer)).filter((t) => t.alertId === alertId);

  it('SOS, acknowledged, check done; a second SOS re-raises it, sends a new check, and vibrates again on the new ack', async () => {
    const { deviceId, device, commands } = await wearable(0);
    await press(device, deviceId, 'sos');
    const raised = await onBoard('alert.raised', (a) => a.deviceId === deviceId && a.kind === 'sos');
    const id = raised.data.id;

    await p.must('POST', `/api/alerts/${id}/ack`, carer);
    await expect.poll(() => commands, { timeout: 3000 }).toContainEqual({ type: 'vibrate', alertId: id });
    await expect.poll(async () => (await tasksOf(id)).length, { timeout: 3000 }).toBe(1);
    const [first] = await tasksOf(id);
    for (const step of ['accept', 'start', 'complete']) await p.must('POST', `/api/tasks/${first!.id}/${step}`, carer);

    await press(device, deviceId, 'sos');
    const again = await onBoard('alert.reraised', (a) => a.id === id);
    expect(again.data).toMatchObject({ id, state: 'active', occurrences: 2, escalationLevel: 0 });
    expect(again.data.reraisedAt).toEqual(expect.any(String));
    expect(again.data).not.toHaveProperty('acknowledgedAt');
    expect(again.data).not.toHaveProperty('acknowledgedBy');
    expect(Date.parse(again.data.reraisedAt!)).toBeGreaterThanOrEqual(Date.parse(raised.data.raisedAt));

    // contract §3.1: the check was done, so the new call gets a new one.
    await expect.poll(async () => (await tasksOf(id)).length, { timeout: 3000 }).toBe(2);
    const next = (await tasksOf(id)).find((t) => t.id !== first!.id);
    expect(next?.kind).toBe('onsite_check');
    expect(Date.parse(next?.createdAt ?? '')).toBeGreaterThanOrEqual(Date.parse(again.data.reraisedAt!));
    expect(['open', 'assigned']).toContain(next?.state);

    // Active again, so it can be acknowledged again, and the wearer feels it again.
    const vibrations = () => commands.filter((c) => (c as { alertId?: string }).alertId === id).length;
    expect(vibrations()).toBe(1);
    const acked = await p.must<Alert>('POST', `/api/alerts/${id}/ack`, carer);
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'carer1', reraisedAt: again.data.reraisedAt });
    await expect.poll(vibrations, { timeout: 3000 }).toBe(2);
  });

  it('a new fall on an acknowledged fall alert re-raises it', async () => {
    const { deviceId, device } = await wearable(1);
    await press(device, deviceId, 'fall');
    const { data } = await onBoard('alert.raised', (a) => a.deviceId === deviceId && a.kind === 'fall');
    await p.must('POST', `/api/alerts/${data.id}/ack`, carer);
    await onBoard('alert.acknowledged', (a) => a.id === data.id);

    await press(device, deviceId, 'fall');
    const again = await onBoard('alert.reraised', (a) => a.id === data.id);
    expect(again.data).toMatchObject({ kind: 'fall', state: 'active', occurrences: 2 });
    expect(again.data).not.toHaveProperty('acknowledgedAt');
  });

  it('a second SOS on an alert still active sounds the boards again, without a second check', async () => {
    const { deviceId, device } = await wearable(2);
    await press(device, deviceId, 'sos');
    const { data } = await onBoard('alert.raised', (a) => a.deviceId === deviceId && a.kind === 'sos');
    await expect.poll(async () => (await tasksOf(data.id)).length, { timeout: 3000 }).toBe(1);

    await press(device, deviceId, 'sos');
    const again = await onBoard('alert.reraised', (a) => a.id === data.id);
    expect(again.data).toMatchObject({ state: 'active', occurrences: 2, reraisedAt: expect.any(String) });
    // The first check is still open: nobody needs sending twice (read once dispatch has handled the re-raise).
    await p.app.dispatch.dispatcher.idle();
    const tasks = await tasksOf(data.id);
    expect(tasks).toHaveLength(1);
    expect(['open', 'assigned']).toContain(tasks[0]?.state);
  });
});
