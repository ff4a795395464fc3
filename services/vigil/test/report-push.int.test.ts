import { randomBytes } from 'node:crypto';
import type { HealthReport, ReportEnvelope } from '@vigil/contracts';
import { requireBinary } from '@vigil/testkit';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from '../../../packages/stores/test/redis-server.ts';
import { type BoardSocket, type Platform, startPlatform } from './harness.ts';

const skipRedis = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'report.updated on Redis');
/** The rule memory (checkpointed) and the event log (sealed) on Redis too: the scale-out path. */
const MODES = [
  { name: 'memory stores', redis: false, skip: false },
  { name: 'Redis stores, encryption at rest', redis: true, skip: skipRedis },
];

/** Readings that score NEWS2 into each band (clinical.md chart 1 and chart 4), complete sets. */
const BANDS = {
  low: { hr: 75, spo2: 97, rr: 16, temp: 36.8 },
  // RR 26 scores 3 on its own: a red score, low–medium.
  low_medium: { hr: 75, spo2: 97, rr: 26, temp: 36.8 },
  // HR 115 (2) + RR 22 (2) + 38.5 °C (1) = 5: medium.
  medium: { hr: 115, spo2: 97, rr: 22, temp: 38.5 },
  // HR 135 (3) + RR 26 (3) + 39.2 °C (2) = 8: high.
  high: { hr: 135, spo2: 97, rr: 26, temp: 39.2 },
} as const;
type Band = keyof typeof BANDS;

const MIN = 60_000;
/** Negative checks: a moment for frames already on their way to other sockets. */
const settle = () => new Promise((r) => setTimeout(r, 300));

/** Every `report` event a board receives, in order. */
function record(socket: BoardSocket): ReportEnvelope[] {
  const seen: ReportEnvelope[] = [];
  socket.on('report', (e) => seen.push(e));
  return seen;
}

/**
 * Issue 15 item 2 through the real path: vitals over MQTT with past `ts` (store-and-forward) move a
 * resident between NEWS2 risk levels; `report.updated` reaches the medical sockets of that facility
 * whom the resident's consent admits, exactly once per change, damped on a band edge (contract §2,
 * §4.4; docs/clinical-rules.md "Risk changes pushed").
 */
describe.each(MODES)('report.updated: risk changes pushed to the medical team ($name)', (mode) => {
  let redis: RedisServer | undefined;
  let p: Platform;
  const wearables = new Map<string, MqttClient>();
  let seq = 0;
  /** Minutes before now where each resident's samples begin: all in the past, within 24 h. */
  const start = Date.now() - 3 * 60 * MIN;
  const boards: Record<'doctor' | 'carer' | 'otherDoctor', ReportEnvelope[]> = {
    doctor: [],
    carer: [],
    otherDoctor: [],
  };

  /** One store-and-forward batch: a sample a minute, in the given bands, from minute `from`. */
  const send = async (residentNo: number, bands: Band[], from = 0) => {
    const samples = bands.map((b, i) => ({
      ts: start + (from + i) * MIN,
      seq: ++seq,
      ...BANDS[b],
      sbp: 125,
      consciousness: 'A',
      onOxygen: false,
    }));
    await wearables
      .get(`w${residentNo}`)
      ?.publishAsync(`care/f1/devices/w${residentNo}/vitals`, JSON.stringify({ samples }), { qos: 1 });
  };
  const logged = async () =>
    (await p.app.stores.events.readAfter('0-0', 10_000)).events.filter((e) => e.event === 'report');
  const stored = async (residentId: string) => (await p.app.stores.vitals.range(residentId, start, Date.now())).length;

  beforeAll(async () => {
    if (mode.skip) return;
    if (mode.redis) {
      if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
      redis = await startRedisServer();
    }
    p = await startPlatform(
      redis ? { redis: { url: redis.url, keyPrefix: 'push:', encryptionKey: randomBytes(32) } } : {},
    );
    const { admin, devices } = await p.provision(3);
    await p.must('POST', '/api/facilities', admin, { id: 'f2', name: 'Other', zones: [{ id: 'z9', name: 'Z9' }] });
    for (const [id, facility] of [
      ['doc1', 'f1'],
      ['doc2', 'f2'],
    ] as const) {
      await p.must('POST', '/api/users', admin, {
        id,
        username: id,
        password: `${id}-pass-1234`,
        name: id,
        role: 'medical',
        facilityIds: [facility],
      });
    }
    // r2 has withdrawn the medical team's consent (contract §4.3).
    await p.must('PUT', '/api/residents/r2/consent', admin, { medical: false });
    boards.doctor = record(await p.connectBoard(await p.login('doc1', 'doc1-pass-1234')));
    boards.otherDoctor = record(await p.connectBoard(await p.login('doc2', 'doc2-pass-1234')));
    boards.carer = record(await p.connectBoard(await p.login('carer1', 'carer-pass-123')));
    for (const d of devices) wearables.set(d.deviceId, await p.connectDevice(d.deviceId, d.secret));
  });
  afterAll(async () => {
    await p?.stop();
    await redis?.stop();
  });

  it.skipIf(mode.skip)(
    'a first score pushes nothing, even a high one; consent off withholds a real change',
    async () => {
      await send(3, ['high', 'high', 'high']);
      await send(2, ['low', 'low', 'high']);
      await expect.poll(async () => (await logged()).length, { timeout: 10_000 }).toBe(1);
      await expect.poll(() => stored('r3'), { timeout: 10_000 }).toBe(3);
      const [r2] = await logged();
      // The change happened and was logged, about r2 only: the consent keeps it from the doctor.
      expect(r2?.envelope.data).toMatchObject({ residentId: 'r2', risk: 'high', previousRisk: 'low' });
    },
  );

  it.skipIf(mode.skip)('low → medium reaches the facility’s doctor exactly once, and no one else', async () => {
    await send(1, ['low', 'low', 'low', 'medium', 'medium', 'medium']);
    await expect.poll(() => boards.doctor.length, { timeout: 10_000 }).toBe(1);
    const [pushed] = boards.doctor;
    expect(pushed).toMatchObject({ type: 'report.updated', facilityId: 'f1' });
    expect(pushed?.data).toMatchObject({
      residentId: 'r1',
      risk: 'medium',
      previousRisk: 'low',
      at: new Date(start + 3 * MIN).toISOString(),
      news2: { score: 5, risk: 'medium', partial: false },
      // Highest sub-score first, ties in chart order.
      summary: { direction: 'rose', drivers: ['rr', 'hr', 'temp'], partial: false },
    });
    // The fan-out hands each event to every socket in log order in one step: r2's and r3's, logged
    // before, are past for every board (a moment for the frames in flight to the other sockets).
    await settle();
    expect(boards.carer).toEqual([]);
    expect(boards.otherDoctor).toEqual([]);
    expect(boards.doctor.map((e) => e.data.residentId)).toEqual(['r1']);
  });

  it.skipIf(mode.skip)(
    'wavering on a band edge pushes nothing more; settling lower pushes once after the hold',
    async () => {
      // Medium ↔ low–medium every minute for 12 min: each dip returns before the 5 min hold.
      const wavering: Band[] = [];
      for (let i = 0; i < 12; i++) wavering.push(i % 2 ? 'medium' : 'low_medium');
      await send(1, wavering, 6);
      await expect.poll(() => stored('r1'), { timeout: 10_000 }).toBe(18);
      // Then low for 7 min: the fall is announced once, 5 min after it began.
      await send(1, ['low', 'low', 'low', 'low', 'low', 'low', 'low'], 18);
      // Had a dip been pushed, it would stand before the fall (the log is delivered in order).
      await expect.poll(() => boards.doctor.length, { timeout: 10_000 }).toBe(2);
      expect(boards.doctor[1]?.data).toMatchObject({
        residentId: 'r1',
        risk: 'low',
        previousRisk: 'medium',
        at: new Date(start + 23 * MIN).toISOString(),
        summary: { direction: 'fell' },
      });
      await expect.poll(() => stored('r1'), { timeout: 10_000 }).toBe(25);
      await settle();
      expect(boards.doctor).toHaveLength(2);
      expect(boards.carer).toEqual([]);
      expect(boards.otherDoctor).toEqual([]);
    },
  );

  it.skipIf(mode.skip)(
    'the report’s risk is the pushed, damped level: still high while a fall to medium is held, medium once pushed',
    async () => {
      const doctor = await p.login('doc1', 'doc1-pass-1234');
      const report = async (to: number) =>
        p.must<HealthReport>('GET', `/api/residents/r3/report?from=${start}&to=${to}`, doctor);
      // r3 scored high from minute 0 (its first score, the first test). Medium from minute 3 on, one
      // step under high: the 5 min hold (news2.clearForMs) runs to minute 8 in device time.
      await send(3, ['medium', 'medium', 'medium', 'medium', 'medium'], 3);
      await expect.poll(() => stored('r3'), { timeout: 10_000 }).toBe(8);
      const held = await report(start + 7 * MIN);
      expect(held.news2.current?.risk).toBe('medium');
      expect(held.risk).toBe('high');
      expect(boards.doctor.filter((e) => e.data.residentId === 'r3')).toEqual([]);
      // Minute 8: the fall has held for 5 min and is pushed; the report read right after says the same.
      await send(3, ['medium'], 8);
      await expect.poll(() => boards.doctor.length, { timeout: 10_000 }).toBe(3);
      const pushed = boards.doctor[2]?.data;
      expect(pushed).toMatchObject({ residentId: 'r3', risk: 'medium', previousRisk: 'high' });
      const after = await report(Date.parse(pushed?.at ?? ''));
      expect(after.risk).toBe(pushed?.risk);
      // The default window ends now: the readings are hours old and stale, the announced level stands.
      expect((await p.must<HealthReport>('GET', '/api/residents/r3/report', doctor)).risk).toBe('medium');
    },
  );
});
