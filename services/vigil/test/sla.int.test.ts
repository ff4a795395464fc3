import type { SlaEnvelope, TaskEnvelope } from '@vigil/contracts';
import type { ManualClock } from '@vigil/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardSocket, Platform } from './harness.ts';
import { MANAGER, startWithManager } from './manager-harness.ts';

function collect<E extends 'sla' | 'task'>(socket: BoardSocket, event: E) {
  const seen: (E extends 'sla' ? SlaEnvelope : TaskEnvelope)[] = [];
  socket.on(event as 'sla', (e: SlaEnvelope) => seen.push(e as never));
  return seen;
}

/**
 * Issue 4, end to end: an SOS published over MQTT by a real client becomes an on-site task for the
 * caregiver on duty; nobody acknowledges it, and when the limit passes on the platform's (manual)
 * clock the facility manager's board receives `sla.warning` over Socket.IO. The caregiver's does not.
 */
describe('SOS over MQTT to a manager SLA warning over Socket.IO', () => {
  let p: Platform;
  let clock: ManualClock;
  let device: { residentId: string; deviceId: string; secret: string };

  beforeAll(async () => {
    ({ p, clock, device } = await startWithManager({ carerOnDuty: true }));
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('dispatches the SOS and warns the manager when it is not acknowledged within the limit', async () => {
    const manager = await p.connectBoard(await p.login(MANAGER.username, MANAGER.password));
    const carerBoard = await p.connectBoard(await p.login('carer1', 'carer-pass-123'));
    const managerSla = collect(manager, 'sla');
    const carerSla = collect(carerBoard, 'sla');
    const carerTasks = collect(carerBoard, 'task');

    const wearable = await p.connectDevice(device.deviceId, device.secret);
    await wearable.publishAsync(
      `care/f1/devices/${device.deviceId}/events`,
      JSON.stringify({ ts: clock.now(), type: 'sos' }),
      { qos: 1 },
    );
    await expect
      .poll(() => carerTasks.map((e) => [e.type, e.data.kind, e.data.assigneeId]), { timeout: 5000 })
      .toContainEqual(['task.assigned', 'onsite_check', 'carer1']);

    // 59 s: still inside the 1-minute limit for a high alert.
    clock.advance(59_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(managerSla).toEqual([]);

    clock.advance(2_000);
    await expect.poll(() => managerSla.map((e) => e.data.kind), { timeout: 5000 }).toContain('alert_unacknowledged');
    const warning = managerSla.find((e) => e.data.kind === 'alert_unacknowledged')!;
    expect(warning.data).toMatchObject({ facilityId: 'f1', limitMs: 60_000 });
    expect(warning.data.actualMs).toBeGreaterThanOrEqual(60_000);

    // The same warning over REST, for the manager only.
    const boss = await p.login(MANAGER.username, MANAGER.password);
    const list = await p.api<{ kind: string }[]>('GET', '/api/sla/warnings?facilityId=f1', boss);
    expect(list.body.map((w) => w.kind)).toContain('alert_unacknowledged');
    expect(carerSla).toEqual([]);
    const carer = await p.login('carer1', 'carer-pass-123');
    expect((await p.api('GET', '/api/sla/warnings?facilityId=f1', carer)).status).toBe(403);

    // The report counts it, and the caregiver's acknowledgement time once they acknowledge.
    const alertId = warning.data.alertId!;
    clock.advance(9_000);
    expect((await p.api('POST', `/api/alerts/${alertId}/ack`, carer)).status).toBe(200);
    const report = await p.api<{
      facility: {
        alerts: { raised: number };
        breaches: { byKind: Record<string, number> };
        timeToAcknowledge: { count: number; maxMs: number };
      };
      byStaff: { staffId: string; timeToAcknowledge: { count: number } }[];
    }>('GET', '/api/sla/report?facilityId=f1', boss);
    expect(report.status).toBe(200);
    expect(report.body.facility.alerts.raised).toBe(1);
    expect(report.body.facility.breaches.byKind.alert_unacknowledged).toBe(1);
    expect(report.body.facility.timeToAcknowledge).toMatchObject({ count: 1 });
    expect(report.body.facility.timeToAcknowledge.maxMs).toBeGreaterThanOrEqual(70_000);
    expect(report.body.byStaff.find((x) => x.staffId === 'carer1')?.timeToAcknowledge.count).toBe(1);
    expect((await p.api('GET', '/api/sla/report?facilityId=f1', carer)).status).toBe(403);
  });
});
