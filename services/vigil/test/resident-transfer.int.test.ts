import type { Alert, AlertEnvelope, AuditEntry, AuditVerification, Resident, Task } from '@vigil/contracts';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './harness.ts';

const MIN = 60_000;

/** `expect.poll` outside a test: waits until `ok` holds (10 s at most). */
async function until(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached within 10 s');
}
const PASSWORD = 'staff-pass-123';

/**
 * Care that travels (issue 15 item 4, contract §4.1 `POST /api/residents/{id}/transfer`), through the
 * real path: a resident whose resting heart rate the engine has learned over MQTT, with an SOS open at
 * facility A, moves to facility B. Nothing is lost, A's open alert resolves as `transferred`, the
 * learned baseline keeps judging at B, the re-bound wearable carries on under B's topics, and both
 * audit chains say so.
 */
describe('transferring a resident between facilities', () => {
  let p: Platform;
  let admin: string;
  const token: Record<string, string> = {};
  let w1: { id: string; secret: string };
  let w2: { id: string; secret: string };
  let wearable: MqttClient;
  /** The commands the wearable received on its old (facility A) topic. */
  const commandsAtA: unknown[] = [];
  const resolvedSeenByA: Alert[] = [];
  /** Live vitals of r1 that reached A's board after the resident left. */
  const vitalsSeenByA: unknown[] = [];
  let vitalsBeforeAtA = 0;
  let transferredAt = Number.POSITIVE_INFINITY;
  /** Device time of the first learning sample: an hour and a half of readings end an hour ago. */
  const t0 = Date.now() - 200 * MIN;

  const sample = (ts: number, hr: number) => ({ ts, hr, steps: 1000, worn: true });
  const publishVitals = (client: MqttClient, facilityId: string, deviceId: string, samples: object[]) =>
    client.publishAsync(`care/${facilityId}/devices/${deviceId}/vitals`, JSON.stringify({ samples }), { qos: 1 });
  const alertsOf = async (facilityId: string, state = 'open') =>
    p.must<Alert[]>('GET', `/api/alerts?facilityId=${facilityId}&residentId=r1&state=${state}`, admin);
  const transfer = (who: string, body: object, id = 'r1') =>
    p.api<{ error?: { code: string } } & Record<string, unknown>>('POST', `/api/residents/${id}/transfer`, who, body);

  beforeAll(async () => {
    p = await startPlatform({ simulator: false });
    admin = await p.login('admin', 'admin-pass-123');
    await p.must('POST', '/api/facilities', admin, { id: 'fa', name: 'Lakeside', zones: [{ id: 'z1', name: 'East' }] });
    await p.must('POST', '/api/facilities', admin, { id: 'fb', name: 'Hillside', zones: [{ id: 'zb', name: 'Sun' }] });
    const users: [string, string, string[]][] = [
      ['carerA', 'caregiver', ['fa']],
      ['carerB', 'caregiver', ['fb']],
      ['managerA', 'manager', ['fa']],
      ['managerB', 'manager', ['fb']],
      ['managerAB', 'manager', ['fa', 'fb']],
    ];
    for (const [id, role, facilityIds] of users) {
      await p.must('POST', '/api/users', admin, { id, username: id, password: PASSWORD, name: id, role, facilityIds });
      token[id] = await p.login(id, PASSWORD);
    }
    await p.must('PUT', '/api/users/carerA/duty', token.carerA!, { onDuty: true });
    for (const id of ['r1', 'r2']) {
      await p.must('POST', '/api/residents', admin, {
        id,
        facilityId: 'fa',
        name: `Resident ${id}`,
        zoneId: 'z1',
        roomId: '101',
        carePlan: { thresholds: { hr: { high: 125 } } },
      });
      await p.must('PUT', `/api/residents/${id}/consent`, admin, { manager: true });
    }
    const device = async (id: string, residentId: string) => ({
      id,
      secret: (
        await p.must<{ secret: string }>('POST', '/api/devices', admin, {
          id,
          facilityId: 'fa',
          kind: 'wearable',
          residentId,
        })
      ).secret,
    });
    w1 = await device('w1', 'r1');
    w2 = await device('w2', 'r2');

    // Facility A's board, and the wearable listening for commands on its own topic (contract §1).
    const boardA = await p.connectBoard(token.carerA!);
    boardA.on('alert', (e: AlertEnvelope) => {
      if (e.type === 'alert.resolved') resolvedSeenByA.push(e.data as Alert);
    });
    boardA.on('vitals', (e) => {
      if (Date.now() >= transferredAt) vitalsSeenByA.push(e.data);
      else vitalsBeforeAtA++;
    });
    const ack = await boardA.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ['r1'] });
    expect(ack).toEqual({ ok: true });
    wearable = await p.connectDevice(w1.id, w1.secret);
    wearable.on('message', (_topic, payload) => commandsAtA.push(JSON.parse(payload.toString())));
    await wearable.subscribeAsync(`care/fa/devices/${w1.id}/commands`, { qos: 1 });

    // 140 minutes of resting readings around 60 bpm, past the baseline's 2 h warm-up (clinical rules).
    const learning = Array.from({ length: 141 }, (_, i) => sample(t0 + i * MIN, 58 + (i % 3) * 2));
    await publishVitals(wearable, 'fa', w1.id, learning);
    await wearable.publishAsync(`care/fa/devices/${w1.id}/events`, JSON.stringify({ ts: Date.now(), type: 'sos' }), {
      qos: 1,
    });
    await until(async () => (await alertsOf('fa')).some((a) => a.kind === 'sos') && vitalsBeforeAtA > 0);
    // The SOS went to the caregiver on duty at A: its task must stop with the transfer.
    await until(async () => (await p.must<Task[]>('GET', '/api/tasks', admin)).some((t) => t.residentId === 'r1'));
  }, 60_000);

  afterAll(async () => {
    await p?.stop();
  });

  it('refuses those who may not move the resident, without leaking the other facility', async () => {
    const to = { toFacilityId: 'fb', devices: 'rebind', zoneId: 'zb' };
    expect((await transfer(token.carerA!, to)).status).toBe(403);
    // A manager of A alone: B is not theirs to know of (contract §4.2).
    expect((await transfer(token.managerA!, to)).status).toBe(404);
    // A manager of B alone: the resident is not theirs to know of.
    expect((await transfer(token.managerB!, to)).status).toBe(404);
    expect((await transfer(admin, { ...to, toFacilityId: 'nowhere' })).status).toBe(404);
    // B has no zone z1: where the resident lives there must be named.
    const noZone = await transfer(admin, { toFacilityId: 'fb', devices: 'rebind' });
    expect(noZone.status).toBe(400);
    expect((await transfer(admin, { ...to, toFacilityId: 'fa' })).status).toBe(400);
    expect((await p.must<Resident>('GET', '/api/residents/r1', admin)).facilityId).toBe('fa');
    expect((await alertsOf('fa')).map((a) => a.kind)).toContain('sos');
  });

  it('moves the resident with care plan, consent and history, and resolves A’s open alerts as transferred', async () => {
    const open = await alertsOf('fa');
    const closed = new Promise<void>((resolve) => wearable.once('close', () => resolve()));
    const res = await transfer(admin, { toFacilityId: 'fb', devices: 'rebind', zoneId: 'zb', roomId: 'b-12' });
    expect(res.status).toBe(200);
    transferredAt = Date.now();
    expect(res.body).toMatchObject({
      fromFacilityId: 'fa',
      toFacilityId: 'fb',
      devices: [{ id: 'w1', action: 'rebound' }],
    });
    expect([...(res.body.resolvedAlertIds as string[])].sort()).toEqual(open.map((a) => a.id).sort());

    // A's open alerts resolved `transferred`, and A's board heard it (the usual `alert.resolved`).
    expect(await alertsOf('fa')).toEqual([]);
    const sos = (await alertsOf('fa', 'resolved')).find((a) => a.kind === 'sos');
    expect(sos).toMatchObject({ outcome: 'transferred', resolvedBy: 'admin' });
    await expect.poll(() => resolvedSeenByA.find((a) => a.id === sos?.id)?.outcome).toBe('transferred');
    // Its task is cancelled, so no deadline or escalation runs on for someone who has left.
    await expect
      .poll(async () =>
        (await p.must<Task[]>('GET', '/api/tasks', admin)).filter((t) => t.alertId === sos?.id).map((t) => t.state),
      )
      .toEqual(['cancelled']);

    // A's staff no longer see the resident; B's do, with care plan and consent unchanged.
    expect((await p.api('GET', '/api/residents/r1', token.carerA)).status).toBe(404);
    expect((await p.api('GET', '/api/residents/r1', token.managerA)).status).toBe(404);
    const atB = await p.must<Resident>('GET', '/api/residents/r1', token.carerB!);
    expect(atB).toMatchObject({
      facilityId: 'fb',
      zoneId: 'zb',
      roomId: 'b-12',
      carePlan: { thresholds: { hr: { high: 125 } } },
      consent: { caregiver: true, medical: true, manager: true, location: false },
    });
    // The history learned at A is read at B.
    const history = await p.must<{ points: { ts: string; hr?: number }[] }>(
      'GET',
      `/api/residents/r1/vitals?from=${t0}&to=${t0 + 141 * MIN}&step=60000`,
      token.carerB!,
    );
    expect(history.points.filter((pt) => pt.hr !== undefined).length).toBeGreaterThanOrEqual(140);

    // The wearable was told where it now belongs, then its connection for A's topics was closed.
    await closed;
    expect(commandsAtA).toContainEqual({ type: 'rebind', facilityId: 'fb' });
  });

  it('keeps the learned baseline: normal readings at B raise nothing, a deviation from it is caught at once', async () => {
    // B's board subscribes to the resident's live vitals: every sample sent reaches the room's sockets.
    const boardB = await p.connectBoard(token.carerB!);
    const vitalsSeenByB: unknown[] = [];
    boardB.on('vitals', (e) => vitalsSeenByB.push(e.data));
    expect(await boardB.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ['r1'] })).toEqual({ ok: true });
    const client = await p.connectDevice(w1.id, w1.secret);
    const start = t0 + 141 * MIN;
    const accepted = async () =>
      (await p.must<{ counters: { accepted: number } }>('GET', '/api/devices/w1', admin)).counters.accepted;
    const before = await accepted();
    // The resident's usual resting pulse, now at B: nothing to alarm anyone about.
    await publishVitals(
      client,
      'fb',
      w1.id,
      Array.from({ length: 20 }, (_, i) => sample(start + i * MIN, 60)),
    );
    await expect.poll(accepted).toBe(before + 20);
    await expect
      .poll(
        async () =>
          (
            await p.must<{ points: unknown[] }>(
              'GET',
              `/api/residents/r1/vitals?from=${start}&to=${start + 20 * MIN}&step=60000`,
              token.carerB!,
            )
          ).points.length,
      )
      .toBe(20);
    expect((await alertsOf('fb')).filter((a) => a.kind.startsWith('vital.'))).toEqual([]);
    // 88 bpm at rest is under every fixed limit, but 28 over this resident's own 60: only a baseline
    // that travelled knows (a blank one needs two hours of warm-up before it judges anything).
    await publishVitals(
      client,
      'fb',
      w1.id,
      Array.from({ length: 20 }, (_, i) => sample(start + (20 + i) * MIN, 88)),
    );
    await expect
      .poll(async () => (await alertsOf('fb')).map((a) => a.kind), { timeout: 10_000 })
      .toContain('vital.hr_baseline');
    expect(await alertsOf('fa')).toEqual([]);
    // A's board had subscribed to the resident's live vitals: the stream stopped when they left.
    await expect.poll(() => vitalsSeenByB.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    expect(vitalsSeenByA).toEqual([]);
    // The old facility's topics are no longer the device's: the broker closes such a connection.
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(`care/fa/devices/${w1.id}/vitals`, JSON.stringify(sample(Date.now(), 60)), { qos: 0 });
    await closed;
  });

  it('stops live vitals to the old facility’s boards even with no alert open', async () => {
    await p.must('POST', '/api/residents', admin, {
      id: 'r3',
      facilityId: 'fa',
      name: 'R3',
      zoneId: 'z1',
      roomId: '103',
    });
    const { secret } = await p.must<{ secret: string }>('POST', '/api/devices', admin, {
      id: 'w3',
      facilityId: 'fa',
      kind: 'wearable',
      residentId: 'r3',
    });
    const seen = { a: 0, b: 0 };
    const boardA = await p.connectBoard(token.carerA!);
    boardA.on('vitals', () => seen.a++);
    expect(await boardA.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ['r3'] })).toEqual({ ok: true });
    const atA = await p.connectDevice('w3', secret);
    await publishVitals(atA, 'fa', 'w3', [sample(Date.now() - 2 * MIN, 70)]);
    await expect.poll(() => seen.a, { timeout: 5_000 }).toBe(1);

    const res = await transfer(admin, { toFacilityId: 'fb', devices: 'rebind', zoneId: 'zb' }, 'r3');
    expect(res.body.resolvedAlertIds).toEqual([]);
    const boardB = await p.connectBoard(token.carerB!);
    boardB.on('vitals', () => seen.b++);
    expect(await boardB.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ['r3'] })).toEqual({ ok: true });
    const atB = await p.connectDevice('w3', secret);
    await publishVitals(atB, 'fb', 'w3', [sample(Date.now() - MIN, 71)]);
    // The same send reaches every socket in the resident's room: B's board got it, A's was no longer there.
    await expect.poll(() => seen.b, { timeout: 5_000 }).toBe(1);
    expect(seen.a).toBe(1);
  });

  it('decommissions the devices when asked, and a manager of both facilities may do it', async () => {
    const res = await transfer(token.managerAB!, { toFacilityId: 'fb', devices: 'decommission', zoneId: 'zb' }, 'r2');
    expect(res.status).toBe(200);
    expect(res.body.devices).toEqual([{ id: 'w2', action: 'decommissioned' }]);
    await expect(p.connectDevice(w2.id, w2.secret)).rejects.toThrow(/bad username or password|Not authorized/i);
    expect((await p.must<{ facilityId: string }>('GET', '/api/residents/r2', token.managerB!)).facilityId).toBe('fb');
  });

  it('writes the transfer into both facilities’ audit chains, which still verify', async () => {
    for (const [facilityId, manager] of [
      ['fa', 'managerA'],
      ['fb', 'managerB'],
    ] as const) {
      await expect
        .poll(async () =>
          (await p.must<AuditEntry[]>('GET', `/api/audit?facilityId=${facilityId}&residentId=r1`, token[manager]!))
            .filter((e) => e.action === 'resident.transfer' && e.outcome === 'allowed')
            .map((e) => ({ actorId: e.actorId, detail: e.detail })),
        )
        .toEqual([{ actorId: 'admin', detail: 'from fa to fb; devices rebind' }]);
      const verified = await p.must<AuditVerification>('GET', `/api/audit/verify?facilityId=${facilityId}`, admin);
      expect(verified).toMatchObject({ ok: true });
    }
    // The caregiver's refused attempt is on A's record too (contract §4.2: every attempt, allowed or not).
    const denied = (await p.must<AuditEntry[]>('GET', '/api/audit?facilityId=fa&residentId=r1', admin)).filter(
      (e) => e.action === 'resident.transfer' && e.outcome === 'denied',
    );
    expect(denied.map((e) => e.actorId)).toEqual(['carerA']);
  });
});
