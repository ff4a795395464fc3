import type { Alert } from '@vigil/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './harness.ts';

/**
 * A decommissioned wearable is out of service: its "offline" alert describes nothing to fix, so the
 * DELETE closes it. The resident's own alerts (an SOS pressed before) stay with the carers.
 */
describe('decommissioning a device', () => {
  let p: Platform;

  beforeAll(async () => {
    p = await startPlatform({ simulator: false });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it("closes the device's offline alert and keeps the resident's SOS open", async () => {
    const { admin, devices } = await p.provision(1);
    const [d] = devices;
    const client = await p.connectDevice(d!.deviceId, d!.secret);
    const topic = (channel: string) => `care/f1/devices/${d!.deviceId}/${channel}`;
    await client.publishAsync(topic('events'), JSON.stringify({ ts: Date.now(), type: 'sos' }), { qos: 1 });
    await client.publishAsync(topic('status'), JSON.stringify({ state: 'offline' }), { qos: 1, retain: true });
    const open = async () => (await p.must<Alert[]>('GET', '/api/alerts?state=open', admin)).map((a) => a.kind).sort();
    await expect.poll(open, { timeout: 5_000 }).toEqual(['device.offline', 'sos']);

    await p.must('DELETE', `/api/devices/${d!.deviceId}`, admin);
    expect(await open()).toEqual(['sos']);
    const closed = (await p.must<Alert[]>('GET', '/api/alerts?state=resolved', admin)).find(
      (a) => a.kind === 'device.offline',
    );
    expect(closed).toMatchObject({ outcome: 'self_cleared', resolvedBy: 'system' });
  });
});
