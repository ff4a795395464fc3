import { fileURLToPath } from 'node:url';
import type { AlertEnvelope } from '@vigil/contracts';
import { freePort, type PrivateProcess, requireBinary, startProcess } from '@vigil/testkit';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DYNSEC_PLUGIN,
  MOSQUITTO,
  MOSQUITTO_INSTALL_HINT,
  type MosquittoServer,
  startMosquitto,
} from '../../../packages/broker/test/mosquitto-server.ts';
import {
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from '../../../packages/stores/test/redis-server.ts';
import { type BoardSocket, createPlatformClient } from './harness.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = 'services/vigil/src/main.ts';
const RESIDENTS = 6;
/** Samples per wearable: 1 s apart in device time, sent 50 times faster than real time. */
const SAMPLES = 300;
const SEND_EVERY_MS = 20;
/** Device time: the stream starts this far in the past, so it never runs ahead of the clock. */
const DEVICE_TIME_LEAD_MS = 6 * 60_000;
/** Tachycardia (HR 140) from sample 60 to 239, three minutes of device time: one `vital.hr_high` each. */
const isFast = (i: number) => i >= 60 && i < 240;
/** The SOS of each wearable, mid-stream. */
const SOS_AT = 150;
/** The first engine dies (SIGKILL) this long into the stream… */
const KILL_AFTER_MS = 2_000;
/** …and its restart policy starts it again under the same identity this long after. */
const RESTART_AFTER_MS = 1_000;

const skip =
  requireBinary([MOSQUITTO, DYNSEC_PLUGIN], MOSQUITTO_INSTALL_HINT, 'multi-process test') ||
  requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'multi-process test');

/**
 * Issue 5 "several processes": two engine workers and two gateways as separate OS processes
 * (`VIGIL_ROLE`), one Redis, one Mosquitto. Six wearables stream vitals and an SOS each; one engine is
 * killed with SIGKILL mid-stream and restarted under the same `VIGIL_ENGINE_ID`, as a restart policy
 * does (issue 12: no session adoption; the restarted engine resumes its persistent sessions). Every
 * message is still processed (each device's accepted count covers every seq it sent), every expected
 * alert exists exactly once, a board on one gateway sees what the other gateway's REST changed, and a
 * board that resumes on the other gateway replays what it missed.
 */
/** 32 bytes in base64, for this test only. */
const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
const TEST_DEVICE_SECRET_PEPPER = Buffer.alloc(32, 8).toString('base64');

describe.skipIf(skip)('two engines and two gateways on Redis and Mosquitto', () => {
  let redis: RedisServer;
  let mosquitto: MosquittoServer;
  const processes: PrivateProcess[] = [];

  async function startVigil(role: 'engine' | 'gateway', name: string): Promise<{ proc: PrivateProcess; port: number }> {
    // An engine's identity names its MQTT sessions: `name`, stable across its restarts.
    const identity = role === 'engine' ? { VIGIL_ENGINE_ID: name } : {};
    const port = await freePort();
    const proc = await startProcess({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', MAIN],
      cwd: REPO,
      env: {
        PATH: process.env.PATH,
        VIGIL_ROLE: role,
        HTTP_PORT: String(port),
        HOST: '127.0.0.1',
        DEMO: 'false',
        LOG_LEVEL: 'warn',
        JWT_SECRET: 'multi-process-test-secret-0123456789',
        ADMIN_USERNAME: 'admin',
        ADMIN_PASSWORD: 'admin-pass-123',
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: 'mp:',
        // One fixed test key for every process: each opens what the others sealed.
        ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        // Every process hashes and verifies device secrets under the same pepper (issue 12).
        DEVICE_SECRET_PEPPER: TEST_DEVICE_SECRET_PEPPER,
        MQTT_URL: mosquitto.url,
        MQTT_USERNAME: 'vigil-engine',
        MQTT_PASSWORD: 'engine-password-123',
        MQTT_ADMIN_USERNAME: mosquitto.admin.username,
        MQTT_ADMIN_PASSWORD: mosquitto.admin.password,
        ...identity,
      },
      ready: async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200,
      readiness: 'answer /readyz',
      timeoutMs: 30_000,
      outputLimit: 20_000,
    });
    processes.push(proc);
    return { proc, port };
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    mosquitto = await startMosquitto();
  }, 30_000);
  afterAll(async () => {
    for (const p of processes) await p.stop();
    await mosquitto?.stop();
    await redis?.stop();
  }, 30_000);

  it('loses and duplicates nothing when an engine dies mid-stream; events and replay cross gateways', async () => {
    const [g1, g2] = [await startVigil('gateway', 'gateway-1'), await startVigil('gateway', 'gateway-2')];
    const [e1, e2] = [await startVigil('engine', 'engine-1'), await startVigil('engine', 'engine-2')];
    const via1 = createPlatformClient(`http://127.0.0.1:${g1.port}`, mosquitto.url);
    const via2 = createPlatformClient(`http://127.0.0.1:${g2.port}`, mosquitto.url);
    try {
      const { admin, devices } = await via1.provision(RESIDENTS);
      const carer = await via1.login('carer1', 'carer-pass-123');
      await via1.must('PUT', '/api/users/carer1/duty', carer, { onDuty: true });

      // A board on each gateway; the one on gateway 2 also watches a resident's live vitals.
      const board1 = await via1.connectBoard(carer);
      const board2 = await via2.connectBoard(carer);
      const seen1 = collect(board1);
      const seen2 = collect(board2);
      const vitals2: unknown[] = [];
      board2.on('vitals', (e) => vitals2.push(e));
      expect(await board2.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ['r1'] })).toEqual({ ok: true });

      // Every wearable streams; the first engine is killed mid-stream, then restarted as itself.
      const wearables = await Promise.all(
        devices.map(async (d) => ({ ...d, mqtt: await via1.connectDevice(d.deviceId, d.secret) })),
      );
      const t0 = Date.now() - DEVICE_TIME_LEAD_MS;
      const streaming = Promise.all(wearables.map((w) => stream(w.mqtt, w.deviceId, t0)));
      await sleep(KILL_AFTER_MS);
      process.kill(e1.proc.pid, 'SIGKILL');
      await sleep(RESTART_AFTER_MS);
      const e1again = await startVigil('engine', 'engine-1');
      await streaming;

      // Nothing lost: every seq each wearable sent was accepted by an engine.
      type Counters = { counters: { accepted: number; duplicates: number } };
      for (const w of wearables) {
        await expect
          .poll(async () => (await via2.must<Counters>('GET', `/api/devices/${w.deviceId}`, admin)).counters.accepted, {
            timeout: 30_000,
            interval: 250,
          })
          .toBeGreaterThanOrEqual(SAMPLES + 1);
      }
      // Both engines took their share: the restarted one resumed its sessions (what the killed process
      // held unacknowledged and what queued there meanwhile) and went on consuming.
      const uplinks = async (port: number) => {
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return Number(/^vigil_mqtt_uplinks (\d+)/m.exec(metrics)?.[1]);
      };
      expect(await uplinks(e1again.port)).toBeGreaterThan(0);
      expect(await uplinks(e2.port)).toBeGreaterThan(0);

      // Nothing lost or duplicated: one SOS and one tachycardia alert per resident, each counted once.
      type Alert = { id: string; kind: string; residentId?: string; occurrences: number; state: string };
      const expected = devices.flatMap((d) => [`${d.residentId} sos`, `${d.residentId} vital.hr_high`]).sort();
      const alertKeys = async () =>
        (await via1.must<Alert[]>('GET', '/api/alerts?facilityId=f1', admin))
          .filter((a) => a.kind === 'sos' || a.kind === 'vital.hr_high')
          .map((a) => `${a.residentId} ${a.kind}`)
          .sort();
      await expect.poll(alertKeys, { timeout: 30_000, interval: 250 }).toEqual(expected);
      await sleep(1_000);
      expect(await alertKeys()).toEqual(expected);
      const alerts = await via1.must<Alert[]>('GET', '/api/alerts?facilityId=f1', admin);
      for (const a of alerts.filter((x) => x.kind === 'sos')) expect(a.occurrences, `${a.residentId} sos`).toBe(1);
      // One on-site check per alert, whichever engine's dispatcher got there first. An alert whose
      // dispatch lock the killed engine held is dispatched by the survivor once that lock's lease
      // (10 s) runs out, so this waits longer than the lease.
      type Task = { alertId?: string; kind: string };
      const sosIds = alerts.filter((a) => a.kind === 'sos').map((a) => a.id);
      const onsiteChecks = async () => {
        const tasks = await via2.must<Task[]>('GET', '/api/tasks?facilityId=f1', admin);
        return sosIds.map((id) => tasks.filter((t) => t.alertId === id && t.kind === 'onsite_check').length);
      };
      const one = sosIds.map(() => 1);
      await expect.poll(onsiteChecks, { timeout: 20_000, interval: 250 }).toEqual(one);
      await sleep(1_000);
      expect(await onsiteChecks()).toEqual(one);

      // Both boards heard every raise, whichever engine produced it.
      await expect.poll(() => raisedKeys(seen2), { timeout: 5000 }).toEqual(expected);
      expect(raisedKeys(seen1)).toEqual(expected);
      // Live vitals crossed from the engines to gateway 2 through Redis.
      expect(vitals2.length).toBeGreaterThan(0);

      // Board 1 leaves; an acknowledgement over gateway 1's REST reaches board 2 on gateway 2.
      const lastSeenBy1 = seen1.at(-1)?.id;
      board1.close();
      const sos1 = alerts.find((a) => a.kind === 'sos' && a.residentId === 'r1') as Alert;
      await via1.must('POST', `/api/alerts/${sos1.id}/ack`, carer);
      await expect
        .poll(() => seen2.some((e) => e.type === 'alert.acknowledged' && alertId(e) === sos1.id), { timeout: 5000 })
        .toBe(true);

      // Board 1 resumes on gateway 2 and replays what it missed, the acknowledgement included.
      const resumed = await via2.connectBoard(carer, lastSeenBy1);
      const replayed = collect(resumed);
      const sync = await new Promise<{ data: { replayed: number; complete: boolean } }>((resolve) =>
        resumed.once('sync', (e) => resolve(e as never)),
      );
      expect(sync.data.complete).toBe(true);
      expect(sync.data.replayed).toBeGreaterThan(0);
      expect(replayed.some((e) => e.type === 'alert.acknowledged' && alertId(e) === sos1.id)).toBe(true);

      // A withdrawn consent stops live vitals on the other gateway at once (Socket.IO adapter).
      const residentToken = await residentLogin(via1, admin);
      await via1.must('PUT', '/api/residents/r1/consent', residentToken, { caregiver: false });
      const before = vitals2.length;
      await sleep(1_500);
      expect(vitals2.length).toBe(before);
    } finally {
      via1.closeClients();
      via2.closeClients();
    }
  }, 120_000);
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One wearable's stream: a sample per device second, the SOS mid-way, each published at QoS 1. */
async function stream(client: MqttClient, deviceId: string, t0: number): Promise<void> {
  for (let i = 0; i < SAMPLES; i++) {
    const sample = { ts: t0 + i * 1000, seq: i + 1, hr: isFast(i) ? 140 : 72, spo2: 97, rr: 16, worn: true };
    await client.publishAsync(`care/f1/devices/${deviceId}/vitals`, JSON.stringify(sample), { qos: 1 });
    if (i === SOS_AT) {
      const sos = { ts: t0 + i * 1000, seq: 1, type: 'sos' };
      await client.publishAsync(`care/f1/devices/${deviceId}/events`, JSON.stringify(sos), { qos: 1 });
    }
    await sleep(SEND_EVERY_MS);
  }
  await client.endAsync();
}

function collect(board: BoardSocket): AlertEnvelope[] {
  const out: AlertEnvelope[] = [];
  board.on('alert', (e: AlertEnvelope) => out.push(e));
  return out;
}

const alertId = (e: AlertEnvelope) => (e.data as { id?: string }).id;

function raisedKeys(seen: AlertEnvelope[]): string[] {
  return seen
    .filter((e) => e.type === 'alert.raised')
    .map((e) => e.data as { kind: string; residentId?: string })
    .filter((a) => a.kind === 'sos' || a.kind === 'vital.hr_high')
    .map((a) => `${a.residentId} ${a.kind}`)
    .sort();
}

/** Resident r1's own login (only the resident, or an admin on their behalf, changes consent). */
async function residentLogin(client: ReturnType<typeof createPlatformClient>, admin: string): Promise<string> {
  await client.must('POST', '/api/users', admin, {
    id: 'u-r1',
    username: 'resident1',
    password: 'resident-pass-123',
    name: 'Resident One',
    role: 'resident',
    facilityIds: ['f1'],
    residentId: 'r1',
  });
  return client.login('resident1', 'resident-pass-123');
}
