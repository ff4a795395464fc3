import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connect, type Harness, login, raise, startHarness } from './fixtures.ts';

/**
 * Issue 13 "Zone bypass on actions": a caregiver limited to zone A acknowledged and resolved zone B's
 * alerts, because the action routes skipped the view check reads use. Contract §4.2: "Actions are
 * checked against the same scope as reads"; another facility → 404, outside the view → 403.
 */
let h: Harness;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['care1', 'care1z2', 'care2', 'manager1']) tokens[u] = await login(h.base, u);
});
afterAll(() => h.close());

describe('actions are checked against the read scope (contract §4.2)', () => {
  it('a caregiver of zone z2 cannot acknowledge or resolve an alert of zone z1', async () => {
    const zoneOne = await raise(h.alerts, { residentId: 'r1', zoneId: 'z1', kind: 'fall', title: 'Fall detected' });
    const read = await api(h.base, 'GET', `/api/alerts/${zoneOne.id}`, { token: tokens.care1z2 });
    expect(read.status).toBe(403);

    const ack = await api(h.base, 'POST', `/api/alerts/${zoneOne.id}/ack`, { token: tokens.care1z2 });
    expect(ack.status).toBe(403);
    expect(ack.body.error.code).toBe('forbidden');
    const resolve = await api(h.base, 'POST', `/api/alerts/${zoneOne.id}/resolve`, {
      token: tokens.care1z2,
      body: { outcome: 'handled' },
    });
    expect(resolve.status).toBe(403);
    expect(resolve.body.error.code).toBe('forbidden');
    // Nothing changed: the alert is still active, nobody acknowledged it.
    expect(await h.stores.alerts.get(zoneOne.id)).toMatchObject({ state: 'active' });
    expect(h.acknowledged.map((a) => a.id)).not.toContain(zoneOne.id);

    // Another facility's caregiver does not even learn that it exists.
    const across = await api(h.base, 'POST', `/api/alerts/${zoneOne.id}/ack`, { token: tokens.care2 });
    expect(across.status).toBe(404);
    expect(across.body.error.code).toBe('not_found');

    // A caregiver without zones (or of z1) still acts on it.
    const ok = await api(h.base, 'POST', `/api/alerts/${zoneOne.id}/ack`, { token: tokens.care1 });
    expect(ok.status).toBe(200);
    expect(ok.body.state).toBe('acknowledged');
  });

  it('the zoned caregiver acts on alerts of their own zone and on facility-wide ones', async () => {
    const own = await raise(h.alerts, { residentId: 'r2', zoneId: 'z2', kind: 'fall', title: 'Fall detected' });
    expect((await api(h.base, 'POST', `/api/alerts/${own.id}/ack`, { token: tokens.care1z2 })).status).toBe(200);
    const wide = await raise(h.alerts, {
      residentId: undefined,
      zoneId: undefined,
      kind: 'facility.water_leak',
      priority: 'medium',
      title: 'Water leak',
    });
    const resolved = await api(h.base, 'POST', `/api/alerts/${wide.id}/resolve`, {
      token: tokens.care1z2,
      body: { outcome: 'handled' },
    });
    expect(resolved.status).toBe(200);
  });

  it("a Socket.IO receipt for another zone's alert is ignored", async () => {
    const zoneOne = await raise(h.alerts, { residentId: 'r1', zoneId: 'z1', kind: 'sos', title: 'SOS' });
    const zoneTwo = await raise(h.alerts, { residentId: 'r2', zoneId: 'z2', kind: 'sos', title: 'SOS' });
    const socket = await connect(h.base, { token: tokens.care1z2 });
    try {
      socket.emit('receipt', { alertId: zoneOne.id });
      socket.emit('receipt', { alertId: zoneTwo.id });
      const deadline = Date.now() + 2000;
      while (h.gateway.receipts.get(zoneTwo.id) === undefined && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(h.gateway.receipts.get(zoneTwo.id)?.map((r) => r.userId)).toEqual(['care1z2']);
      expect(h.gateway.receipts.get(zoneOne.id)).toBeUndefined();
    } finally {
      socket.close();
    }
  });
});
