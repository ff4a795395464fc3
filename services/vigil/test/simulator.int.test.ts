import type { DeviceDetail } from '@vigil/contracts';
import { createSimulator, type DeviceSpec } from '@vigil/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './harness.ts';

// The simulator against the real platform (embedded aedes, ingest, monitor, REST): what it generated
// is exactly what the platform counted, garbage included, and its devices authenticate as provisioned.
describe('simulator → platform', () => {
  let p: Platform;
  let devices: DeviceSpec[];
  let admin: string;

  beforeAll(async () => {
    p = await startPlatform();
    const provisioned = await p.provision(3);
    admin = provisioned.admin;
    devices = provisioned.devices.map((d) => ({
      deviceId: d.deviceId,
      secret: d.secret,
      facilityId: 'f1',
      kind: 'wearable',
      residentId: d.residentId,
      zoneId: 'z1',
    }));
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('every valid sample is accepted and every malformed one rejected with its reason', async () => {
    const sim = createSimulator({ url: p.mqttUrl, devices, ratePerSecond: 20, seed: 'int', scenario: 'malformed' });
    await sim.start();
    await new Promise((r) => setTimeout(r, 1500));
    await sim.stop();
    const stats = sim.stats();
    expect(stats.connected).toBe(0);
    expect(stats.connectFailures + stats.authFailures).toBe(0);
    expect(stats.notSent).toBe(0);
    const malformed = Object.values(stats.generated.malformed).reduce((a, b) => a + b, 0);
    expect(stats.generated.samples).toBeGreaterThan(60);
    expect(malformed).toBeGreaterThan(10);

    await expect
      .poll(
        async () => {
          let accepted = 0;
          let rejected = 0;
          for (const d of devices) {
            const r = await p.api<DeviceDetail>('GET', `/api/devices/${d.deviceId}`, admin);
            accepted += r.body.counters.accepted;
            rejected += Object.values(r.body.counters.rejected).reduce((a, b) => a + b, 0);
          }
          return { accepted, rejected };
        },
        { timeout: 5000 },
      )
      .toEqual({ accepted: stats.generated.samples, rejected: malformed });
    // The platform told the devices why (contract §1.4 errors topic), one error per rejection.
    expect(Object.values(stats.errorsByCode).reduce((a, b) => a + b, 0)).toBe(malformed);
  });

  it('a device with a wrong secret is refused with return code 4 and counted, not retried into a storm', async () => {
    const [first] = devices;
    const sim = createSimulator({
      url: p.mqttUrl,
      devices: [{ ...(first as DeviceSpec), secret: 'wrong-secret' }],
      ratePerSecond: 5,
      seed: 'bad',
      scenario: 'normal',
    });
    await sim.start();
    // Long enough for mqtt.js's default reconnect period (1 s) to have retried, had it been allowed to.
    await new Promise((r) => setTimeout(r, 1500));
    await sim.stop();
    const stats = sim.stats();
    expect(stats.connected).toBe(0);
    // Refused with CONNACK 4 (bad username or password), counted as such, and never retried.
    expect(stats.authFailures).toBe(1);
  });
});
