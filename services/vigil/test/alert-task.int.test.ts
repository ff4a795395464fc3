import type { Alert, AlertEnvelope, Task, TaskCompleteResponse } from '@vigil/contracts';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoardSocket, type Platform, startPlatform } from './harness.ts';

/**
 * Issue 14 "Alert ↔ task", through the real path: an SOS over MQTT becomes an on-site task; the
 * caregiver completes it with an outcome and the alert resolves in the same request (the board's
 * socket gets `alert.resolved`, the acknowledgement deadline is gone); without an outcome it stays
 * open and the answer says why. Maintenance staff acknowledge and resolve a water leak, but not an
 * alert about a resident (403) nor another facility's leak (404).
 */
describe('alert ↔ task and facility alerts (in process)', () => {
  let p: Platform;
  let admin: string;
  let carer: string;
  let wearable: MqttClient;
  let board: BoardSocket;
  const events: AlertEnvelope[] = [];

  beforeAll(async () => {
    p = await startPlatform();
    const provisioned = await p.provision(1);
    admin = provisioned.admin;
    const { deviceId, secret } = provisioned.devices[0]!;
    carer = await p.login('carer1', 'carer-pass-123');
    expect((await p.api('PUT', '/api/users/carer1/duty', carer, { onDuty: true })).status).toBe(200);
    wearable = await p.connectDevice(deviceId, secret);
    board = await p.connectBoard(carer);
    board.on('alert', (e) => events.push(e));
  });
  afterAll(async () => {
    await p?.stop();
  });

  /** Presses SOS and waits for the on-site task the dispatcher gives carer1. */
  async function sosTask(): Promise<{ alert: Alert; task: Task }> {
    const before = events.length;
    await wearable.publishAsync('care/f1/devices/w1/events', JSON.stringify({ ts: Date.now(), type: 'sos' }), {
      qos: 1,
    });
    await expect.poll(() => events.slice(before).some((e) => e.type === 'alert.raised'), { timeout: 5000 }).toBe(true);
    const alert = events.slice(before).find((e) => e.type === 'alert.raised')!.data;
    let task: Task | undefined;
    await expect
      .poll(
        async () => {
          task = (await p.app.stores.tasks.list({ alertId: alert.id })).find((t) => t.kind === 'onsite_check');
          return task?.assigneeId;
        },
        { timeout: 5000 },
      )
      .toBe('carer1');
    expect((await p.api('POST', `/api/tasks/${task!.id}/accept`, carer)).status).toBe(200);
    return { alert, task: task! };
  }

  it('completing the on-site task with an outcome resolves the SOS in the same step', async () => {
    const { alert, task } = await sosTask();
    expect(await p.app.stores.deadlines.get(`alert:${alert.id}:ack`)).toBeDefined();

    const r = await p.api<TaskCompleteResponse>('POST', `/api/tasks/${task.id}/complete`, carer, {
      outcome: 'handled',
      note: 'helped back to bed',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: task.id,
      state: 'done',
      alertResolution: { status: 'resolved', alertId: alert.id, outcome: 'handled' },
    });
    // The same request resolved it: the event is on the board's socket, as after a resolve.
    await expect
      .poll(() => events.find((e) => e.type === 'alert.resolved' && e.data.id === alert.id)?.data, { timeout: 3000 })
      .toMatchObject({ state: 'resolved', outcome: 'handled', resolvedBy: 'carer1', note: 'helped back to bed' });
    // No acknowledgement deadline left to raise an SLA warning or escalate for work that was done.
    await expect.poll(() => p.app.stores.deadlines.get(`alert:${alert.id}:ack`), { timeout: 3000 }).toBeUndefined();

    // Completing twice is refused; the alert stays as it was.
    expect((await p.api('POST', `/api/tasks/${task.id}/complete`, carer, { outcome: 'false_alarm' })).status).toBe(409);
    expect((await p.app.stores.alerts.get(alert.id))?.outcome).toBe('handled');
  });

  it('without an outcome the task is done and the alert stays open, saying why', async () => {
    const { alert, task } = await sosTask();
    const r = await p.api<TaskCompleteResponse>('POST', `/api/tasks/${task.id}/complete`, carer, {});
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('done');
    expect(r.body.alertResolution).toEqual({ status: 'left_open', alertId: alert.id, reason: 'no_outcome' });
    expect((await p.app.stores.alerts.get(alert.id))?.state).not.toBe('resolved');

    // A person resolves it on the board afterwards, as before.
    const resolved = await p.api<Alert>('POST', `/api/alerts/${alert.id}/resolve`, carer, { outcome: 'handled' });
    expect(resolved.body.state).toBe('resolved');
  });

  it('another task of the alert under way keeps the alert open, so that work is not cancelled', async () => {
    const { alert, task } = await sosTask();
    // A doctor's consult on the same alert, accepted and under way (as an escalation step opens one).
    const consult: Task = {
      ...task,
      id: `${task.id}-consult`,
      kind: 'remote_consult',
      role: 'medical',
      state: 'in_progress',
      assigneeId: 'doc1',
    };
    await p.app.stores.tasks.put(consult);
    const r = await p.api<TaskCompleteResponse>('POST', `/api/tasks/${task.id}/complete`, carer, {
      outcome: 'handled',
    });
    expect(r.body.state).toBe('done');
    expect(r.body.alertResolution).toEqual({ status: 'left_open', alertId: alert.id, reason: 'other_task_under_way' });
    expect((await p.app.stores.alerts.get(alert.id))?.state).not.toBe('resolved');
    expect((await p.app.stores.tasks.get(consult.id))?.state).toBe('in_progress');
    await p.api('POST', `/api/alerts/${alert.id}/resolve`, carer, { outcome: 'handled' });
  });

  it('an outcome of the wrong kind is refused before anything changes', async () => {
    const { alert, task } = await sosTask();
    const r = await p.api('POST', `/api/tasks/${task.id}/complete`, carer, { outcome: 'self_cleared' });
    expect(r.status).toBe(400);
    expect((await p.app.stores.tasks.get(task.id))?.state).toBe('accepted');
    expect((await p.app.stores.alerts.get(alert.id))?.state).toBe('active');
    await p.api('POST', `/api/tasks/${task.id}/complete`, carer, { outcome: 'false_alarm' });
  });

  it('maintenance staff acknowledge and resolve a water leak, not a resident alert nor another facility', async () => {
    await p.api('POST', '/api/facilities', admin, { id: 'f2', name: 'Other', zones: [{ id: 'z1', name: 'Zone 1' }] });
    const sensors: Record<string, MqttClient> = {};
    for (const [id, facilityId] of [
      ['leak-f1', 'f1'],
      ['leak-f2', 'f2'],
    ] as const) {
      const d = await p.api<{ id: string; secret: string }>('POST', '/api/devices', admin, {
        id,
        facilityId,
        kind: 'sensor',
        zoneId: 'z1',
        roomId: 'laundry',
      });
      expect(d.status).toBe(201);
      sensors[id] = await p.connectDevice(id, d.body.secret);
    }
    const created = await p.api('POST', '/api/users', admin, {
      id: 'fix1',
      username: 'fix1',
      password: 'fix-pass-1234',
      name: 'Fixer',
      role: 'maintenance',
      facilityIds: ['f1'],
    });
    expect(created.status).toBe(201);
    const maint = await p.login('fix1', 'fix-pass-1234');

    const leak = async (id: string, facilityId: string) => {
      await sensors[id]!.publishAsync(
        `care/${facilityId}/devices/${id}/telemetry`,
        JSON.stringify({ ts: Date.now(), waterLeak: true }),
        { qos: 1 },
      );
      let found: Alert | undefined;
      await expect
        .poll(
          async () => {
            found = (await p.app.stores.alerts.list({ facilityIds: [facilityId] })).find(
              (a) => a.kind === 'facility.water_leak' && a.state !== 'resolved',
            );
            return found;
          },
          { timeout: 5000 },
        )
        .toBeDefined();
      return found!;
    };
    const here = await leak('leak-f1', 'f1');
    const there = await leak('leak-f2', 'f2');

    const listed = await p.api<Alert[]>('GET', '/api/alerts?state=open', maint);
    expect(listed.status).toBe(200);
    expect(listed.body.map((a) => a.id)).toEqual([here.id]);

    expect((await p.api('POST', `/api/alerts/${here.id}/ack`, maint)).status).toBe(200);
    const resolved = await p.api<Alert>('POST', `/api/alerts/${here.id}/resolve`, maint, { outcome: 'handled' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ state: 'resolved', resolvedBy: 'fix1', outcome: 'handled' });

    const { alert: sos } = await sosTask();
    expect((await p.api('POST', `/api/alerts/${sos.id}/ack`, maint)).status).toBe(403);
    expect((await p.api('POST', `/api/alerts/${sos.id}/resolve`, maint, { outcome: 'handled' })).status).toBe(403);
    expect((await p.api('POST', `/api/alerts/${there.id}/ack`, maint)).status).toBe(404);
    expect((await p.api('POST', `/api/alerts/${there.id}/resolve`, maint, { outcome: 'handled' })).status).toBe(404);
  });
});
