import { randomBytes } from 'node:crypto';
import { ManualClock } from '@vigil/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from '../../../packages/stores/test/redis-server.ts';
import { type Platform, startPlatform } from './harness.ts';

const JWT_SECRET = 'restart-test-secret-0123456789abcdef';
const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'restart test');

/**
 * Issue 5 "restart": the platform on Redis is stopped and started again. Alerts, tasks, device
 * secrets, rule windows and deadlines survive; a deadline that passed while it was down fires once at
 * start.
 */
describe.skipIf(skip)('restart on Redis', () => {
  let redis: RedisServer;
  let clock: ManualClock;
  let p: Platform | undefined;
  // One key across restarts: the health data sealed before the stop opens after the start.
  const encryptionKey = randomBytes(32);
  // One pepper too: the device secret hashes kept in Redis verify after the start (issue 12).
  const devicePeppers = [randomBytes(32)];
  const start = () =>
    startPlatform({
      clock,
      redis: { url: redis.url, keyPrefix: 'restart:', encryptionKey },
      jwtSecret: JWT_SECRET,
      devicePeppers,
    });

  beforeAll(async () => {
    if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
    redis = await startRedisServer();
    clock = new ManualClock(Date.now());
  });
  afterAll(async () => {
    await p?.stop();
    await redis?.stop();
  });

  it('keeps alerts, tasks, secrets, rule windows and deadlines across a restart', async () => {
    p = await start();
    const { devices } = await p.provision(1);
    const { deviceId, secret } = devices[0]!;
    const carerToken = await p.login('carer1', 'carer-pass-123');
    await p.api('PUT', '/api/users/carer1/duty', carerToken, { onDuty: true });

    // 30 s of a fast pulse (half the 60 s window), then an SOS nobody acknowledges.
    const t0 = clock.now();
    const wearable = await p.connectDevice(deviceId, secret);
    const samples = Array.from({ length: 30 }, (_, i) => ({ ts: t0 - 29_000 + i * 1000, seq: i + 1, hr: 125 }));
    await wearable.publishAsync(`care/f1/devices/${deviceId}/vitals`, JSON.stringify({ samples }), { qos: 1 });
    await wearable.publishAsync(`care/f1/devices/${deviceId}/events`, JSON.stringify({ ts: t0, seq: 1, type: 'sos' }), {
      qos: 1,
    });
    const admin = await p.login('admin', 'admin-pass-123');
    type Alert = { id: string; kind: string; state: string };
    await expect
      .poll(async () => (await p!.api<Alert[]>('GET', '/api/alerts?facilityId=f1', admin)).body.map((a) => a.kind), {
        timeout: 5000,
      })
      .toEqual(['sos']);
    await expect
      .poll(
        async () =>
          (await p!.api<{ state: string }[]>('GET', '/api/tasks?facilityId=f1', admin)).body.map((t) => t.state),
        { timeout: 5000 },
      )
      .toEqual(['assigned']);
    await wearable.endAsync();
    await p.stop();
    p = undefined;

    // Down for 61 s: the SOS's 60 s acknowledgement limit passes while nothing runs.
    clock.advance(61_000);
    p = await start();
    clock.advance(1000); // the deadline runner's first tick
    const admin2 = await p.login('admin', 'admin-pass-123');
    type Warning = { kind: string; alertId?: string };
    // Both limits that passed fire at start: the acknowledgement limit, and the first escalation step
    // (next caregiver after 1 min), which finds nobody else on duty and no manager.
    const kinds = async () =>
      (await p!.api<Warning[]>('GET', '/api/sla/warnings?facilityId=f1', admin2)).body.map((w) => w.kind).sort();
    await expect.poll(kinds, { timeout: 5000 }).toEqual(['alert_unacknowledged', 'no_staff_on_duty']);
    const [sos] = (await p.api<Alert[]>('GET', '/api/alerts?facilityId=f1', admin2)).body;
    expect(sos).toMatchObject({ kind: 'sos', state: 'active' });
    expect((await p.api<unknown[]>('GET', '/api/tasks?facilityId=f1', admin2)).body).toMatchObject([
      { alertId: sos!.id, escalationLevel: 1, passedBy: ['carer1'] },
    ]);

    // The same secret still works (its HMAC lives in Redis, under the pepper kept across the restart),
    // and the rule window went on where it stopped: 5 more seconds complete the 60 s (a fresh window
    // would need a whole minute).
    const again = await p.connectDevice(deviceId, secret);
    const more = Array.from({ length: 5 }, (_, i) => ({ ts: clock.now() - 4_000 + i * 1000, seq: 100 + i, hr: 126 }));
    await again.publishAsync(`care/f1/devices/${deviceId}/vitals`, JSON.stringify({ samples: more }), { qos: 1 });
    await expect
      .poll(
        async () => (await p!.api<Alert[]>('GET', '/api/alerts?facilityId=f1', admin2)).body.map((a) => a.kind).sort(),
        { timeout: 5000 },
      )
      .toEqual(['sos', 'vital.hr_high']);

    // Fired once: more ticks add nothing.
    for (let i = 0; i < 5; i++) clock.advance(1000);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (await p.api<Warning[]>('GET', '/api/sla/warnings?facilityId=f1', admin2)).body.filter(
        (w) => w.kind === 'alert_unacknowledged',
      ),
    ).toHaveLength(1);
  });
});
