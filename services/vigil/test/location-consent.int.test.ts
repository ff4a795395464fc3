import { randomBytes } from 'node:crypto';
import type { Alert, AlertEnvelope, AuditEntry, Task } from '@vigil/contracts';
import { requireBinary } from '@vigil/testkit';
import type { MqttClient } from 'mqtt';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from '../../../packages/stores/test/redis-server.ts';
import { type BoardSocket, type Platform, startPlatform } from './harness.ts';
import { rawRedisText } from './raw-redis.ts';

const WHERE = { lat: 30.27, lon: 120.16, accuracyM: 8 };
/** What a plaintext copy of WHERE would show, in any key. */
const TRACES = ['30.27', '120.16', '"lat"', '"accuracyM"'];

const skipRedis = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'location consent on Redis');
const MODES = [
  { name: 'memory stores', redis: false, skip: false },
  { name: 'Redis stores (encryption at rest)', redis: true, skip: skipRedis },
];

/** Every `alert` event a board receives, in order. */
function record(socket: BoardSocket): AlertEnvelope[] {
  const seen: AlertEnvelope[] = [];
  socket.on('alert', (e) => seen.push(e));
  return seen;
}

/** A board that resumes from the start of the log, recording from before it connects (replay is immediate). */
function replayFromStart(baseUrl: string, token: string): AlertEnvelope[] {
  const socket: BoardSocket = io(baseUrl, {
    auth: { token, lastEventId: '0-0' },
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(socket);
  return record(socket);
}
const sockets: BoardSocket[] = [];

/** The first recorded event of `type` (about `alertId`, if given), waited for. */
function eventOf(seen: AlertEnvelope[], type: string, alertId?: string): Promise<AlertEnvelope> {
  return vi.waitFor(
    () => {
      const hit = seen.find((e) => e.type === type && (alertId === undefined || e.data.id === alertId));
      if (!hit) throw new Error(`no ${type} event`);
      return hit;
    },
    { timeout: 5000 },
  );
}

/**
 * Issue 13 "location is kept while location consent is off", through the real path: an SOS with a
 * location over MQTT, out through REST and Socket.IO, on the memory stores and on Redis with
 * encryption at rest. Contract §1.2 (location only under the resident's location consent), §4.2 (left
 * out where the role lacks consent), §4.3 (the responders of an open `high` alert see what they need
 * for it, audited as emergency access).
 */
describe.each(MODES)('SOS location under consent ($name)', (mode) => {
  let redis: RedisServer | undefined;
  let p: Platform;
  let wearable: MqttClient;
  let deviceId: string;
  let admin: string;
  let carer1: string;
  let carer2: string;
  let boss: string;
  let seq = 0;
  const prefix = 'loc:';

  const get = <T>(path: string, token: string) => p.api<T>('GET', path, token);
  const alertAs = async (token: string, id: string) => (await get<Alert>(`/api/alerts/${id}`, token)).body;
  const stored = (id: string) => p.app.stores.alerts.get(id);
  const sos = async () => {
    const ts = Date.now();
    await wearable.publishAsync(
      `care/f1/devices/${deviceId}/events`,
      JSON.stringify({ ts, seq: ++seq, type: 'sos', location: WHERE }),
      { qos: 1 },
    );
  };
  /** The open SOS alert, once dispatch has assigned its on-site task to the caregiver on duty. */
  const assignedSos = async (): Promise<{ alertId: string; taskId: string }> => {
    let hit: Task | undefined;
    await expect
      .poll(
        async () => {
          const tasks = (await get<Task[]>('/api/tasks?assignee=me', carer1)).body;
          hit = tasks.find((t) => t.state === 'assigned' && t.alertId !== undefined);
          return hit;
        },
        { timeout: 5000 },
      )
      .toBeDefined();
    return { alertId: hit?.alertId as string, taskId: hit?.id as string };
  };
  const noPlaintextLocation = async () => {
    if (!redis) return;
    const text = await rawRedisText(redis.url, prefix);
    // Not vacuous: the scan reads the sealed alert bodies (and the sealed event log).
    expect(text).toContain('enc1:');
    for (const trace of TRACES) expect(text, `raw Redis holds ${trace}`).not.toContain(trace);
  };

  beforeAll(async () => {
    if (mode.skip) return;
    if (mode.redis) {
      if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
      redis = await startRedisServer();
    }
    p = await startPlatform(
      redis ? { redis: { url: redis.url, keyPrefix: prefix, encryptionKey: randomBytes(32) } } : {},
    );
    const provisioned = await p.provision(1);
    admin = provisioned.admin;
    deviceId = provisioned.devices[0]!.deviceId;
    for (const [id, role] of [
      ['carer2', 'caregiver'],
      ['boss', 'manager'],
    ] as const) {
      await p.must('POST', '/api/users', admin, {
        id,
        username: id,
        password: `${id}-pass-1234`,
        name: id,
        role,
        facilityIds: ['f1'],
      });
    }
    carer1 = await p.login('carer1', 'carer-pass-123');
    carer2 = await p.login('carer2', 'carer2-pass-1234');
    boss = await p.login('boss', 'boss-pass-1234');
    // carer1 is the one on duty: dispatch assigns the SOS's on-site task to them (the responder).
    await p.must('PUT', '/api/users/carer1/duty', carer1, { onDuty: true });
    wearable = await p.connectDevice(deviceId, provisioned.devices[0]!.secret);
  });
  afterAll(async () => {
    for (const s of sockets.splice(0)) s.close();
    await p?.stop();
    await redis?.stop();
  });

  it.skipIf(mode.skip)(
    'consent off: only the assigned responder sees it, as emergency access; resolving drops it',
    async () => {
      const boards = {
        responder: record(await p.connectBoard(carer1)),
        other: record(await p.connectBoard(carer2)),
        manager: record(await p.connectBoard(boss)),
      };
      await sos();
      const raised = await eventOf(boards.other, 'alert.raised');
      expect(raised.data).toMatchObject({ kind: 'sos', priority: 'high', residentId: 'r1' });
      expect(raised.data).not.toHaveProperty('location');
      const { alertId } = await assignedSos();
      expect(alertId).toBe(raised.data.id);

      // REST: the responder gets it, marked; a caregiver who is not assigned and the manager do not.
      expect(await alertAs(carer1, alertId)).toMatchObject({ location: WHERE, emergencyAccess: true });
      expect(await alertAs(carer2, alertId)).not.toHaveProperty('location');
      expect(await alertAs(boss, alertId)).not.toHaveProperty('location');
      const listed = async (token: string) =>
        (await get<Alert[]>('/api/alerts?facilityId=f1', token)).body.find((a) => a.id === alertId);
      expect(await listed(carer1)).toMatchObject({ location: WHERE, emergencyAccess: true });
      expect(await listed(carer2)).not.toHaveProperty('location');

      // Socket.IO: the responder's acknowledgement goes out with it to the responder only.
      expect((await p.api('POST', `/api/alerts/${alertId}/ack`, carer1)).status).toBe(200);
      expect((await eventOf(boards.responder, 'alert.acknowledged', alertId)).data).toMatchObject({
        location: WHERE,
        emergencyAccess: true,
      });
      expect((await eventOf(boards.other, 'alert.acknowledged', alertId)).data).not.toHaveProperty('location');
      expect((await eventOf(boards.manager, 'alert.acknowledged', alertId)).data).not.toHaveProperty('location');

      // Audited as an emergency access that handed out the location.
      await expect
        .poll(async () => (await get<AuditEntry[]>('/api/audit?residentId=r1', boss)).body, { timeout: 5000 })
        .toContainEqual(
          expect.objectContaining({
            actorId: 'carer1',
            action: 'alert.read',
            purpose: 'emergency',
            detail: expect.stringContaining(`emergency access: alert ${alertId} with location`),
          }),
        );
      expect((await stored(alertId))?.location).toEqual(WHERE);
      await noPlaintextLocation();

      // Resolved: gone from the record, from REST and from a replay of the whole log.
      const resolved = await p.api<Alert>('POST', `/api/alerts/${alertId}/resolve`, carer1, { outcome: 'handled' });
      expect(resolved.status).toBe(200);
      expect(resolved.body).not.toHaveProperty('location');
      expect(await stored(alertId)).not.toHaveProperty('location');
      expect(await alertAs(carer1, alertId)).not.toHaveProperty('location');
      const replay = replayFromStart(p.baseUrl, carer1);
      await eventOf(replay, 'alert.resolved', alertId);
      const replayed = replay.filter((e) => e.data.id === alertId);
      expect(replayed.map((e) => e.type)).toEqual(['alert.raised', 'alert.acknowledged', 'alert.resolved']);
      for (const e of replayed) expect(e.data).not.toHaveProperty('location');
    },
  );

  it.skipIf(mode.skip)(
    'consent on: shown to the roles the consent admits and kept after resolving; withdrawn, it is purged',
    async () => {
      expect((await p.api('PUT', '/api/residents/r1/consent', admin, { location: true })).status).toBe(200);
      const other = record(await p.connectBoard(carer2));
      const manager = record(await p.connectBoard(boss));
      await sos();
      const raised = await eventOf(other, 'alert.raised');
      const alertId = raised.data.id;
      // A caregiver not assigned sees it by consent (no emergency); the manager's role has no consent.
      expect(raised.data).toMatchObject({ location: WHERE });
      expect(raised.data).not.toHaveProperty('emergencyAccess');
      expect((await eventOf(manager, 'alert.raised', alertId)).data).not.toHaveProperty('location');
      expect(await alertAs(carer2, alertId)).toMatchObject({ location: WHERE });
      expect(await alertAs(boss, alertId)).not.toHaveProperty('location');

      await p.must('POST', `/api/alerts/${alertId}/resolve`, carer2, { outcome: 'false_alarm' });
      expect((await stored(alertId))?.location).toEqual(WHERE);
      expect(await alertAs(carer2, alertId)).toMatchObject({ state: 'resolved', location: WHERE });
      // Kept, and still sealed at rest.
      await noPlaintextLocation();

      // Withdrawn: no longer shown, and purged from the stored record.
      expect((await p.api('PUT', '/api/residents/r1/consent', admin, { location: false })).status).toBe(200);
      expect(await alertAs(carer2, alertId)).not.toHaveProperty('location');
      expect(await stored(alertId)).not.toHaveProperty('location');
    },
  );
});
