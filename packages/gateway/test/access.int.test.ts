import { HealthReport } from '@vigil/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Harness, login, raise, startHarness } from './fixtures.ts';

let h: Harness;
/** raisedAt has millisecond resolution: let the wall clock move so the order is defined. */
const tick = () => new Promise((r) => setTimeout(r, 3));
const tokens: Record<string, string> = {};
const as = (user: string) => tokens[user] ?? '';

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['admin', 'manager1', 'care1', 'care1z2', 'medical1', 'manager2', 'care2', 'res1user']) {
    tokens[u] = await login(h.base, u);
  }
});
afterAll(() => h.close());

describe('access (contract §4.2, §4.3)', () => {
  it('is 403 inside the facility and 404 across facilities', async () => {
    const body = { facilityId: 'f1', name: 'X', zoneId: 'z1', roomId: '1' };
    const insider = await api(h.base, 'POST', '/api/residents', { token: as('care1'), body });
    expect(insider.status).toBe(403);
    expect(insider.body.error.code).toBe('forbidden');
    const outsider = await api(h.base, 'POST', '/api/residents', { token: as('care2'), body });
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe('not_found');
    expect((await api(h.base, 'GET', '/api/residents/r1', { token: as('care2') })).status).toBe(404);
    expect((await api(h.base, 'GET', '/api/residents/r1', { token: as('care1') })).status).toBe(200);
    expect((await api(h.base, 'GET', '/api/facilities/f1', { token: as('care2') })).status).toBe(404);
    const list = await api(h.base, 'GET', '/api/facilities', { token: as('care2') });
    expect(list.body.map((f: { id: string }) => f.id)).toEqual(['f2']);
  });

  it('shows vitals under consent: caregivers by default, managers only with consent', async () => {
    await h.stores.vitals.append('r1', { ts: Date.now() - 60_000, hr: 72 });
    const care = await api(h.base, 'GET', '/api/residents/r1/vitals', { token: as('care1') });
    expect(care.status).toBe(200);
    expect(care.body.residentId).toBe('r1');
    expect(care.body.points).toHaveLength(1);
    expect(care.body.points[0].hr).toBe(72);
    // NEWS2 of what is fresh now: only the pulse, so partial with everything else missing.
    expect(care.body.latest.news2).toMatchObject({ score: 0, partial: true, subscores: { hr: 0 } });
    expect((await api(h.base, 'GET', '/api/residents/r1/vitals', { token: as('manager1') })).status).toBe(403);
    // A caregiver of another zone gets what the live feed gives them: nothing (r1 lives in z1).
    const otherZone = await api(h.base, 'GET', '/api/residents/r1/vitals', { token: as('care1z2') });
    expect(otherZone.status).toBe(403);
    expect(otherZone.body.error.message).toContain('outside your zones');

    // Only the resident (or an admin) changes consent.
    expect(
      (await api(h.base, 'PUT', '/api/residents/r1/consent', { token: as('manager1'), body: { manager: true } }))
        .status,
    ).toBe(403);
    const own = await api(h.base, 'PUT', '/api/residents/r1/consent', {
      token: as('res1user'),
      body: { manager: true },
    });
    expect(own.status).toBe(200);
    expect(own.body.consent).toEqual({ caregiver: true, medical: true, manager: true, location: false });
    expect((await api(h.base, 'GET', '/api/residents/r1/vitals', { token: as('manager1') })).status).toBe(200);
    const range = await api(
      h.base,
      'GET',
      `/api/residents/r1/vitals?from=${Date.now() - 10_000}&to=${new Date().toISOString()}`,
      {
        token: as('care1'),
      },
    );
    expect(range.body.points).toHaveLength(0);
    expect((await api(h.base, 'GET', '/api/residents/r1/vitals?from=yesterday', { token: as('care1') })).status).toBe(
      400,
    );
  });

  it('reports on a resident under the same rules as vitals (contract §4.4)', async () => {
    const now = Date.now();
    await h.stores.vitals.append('r1', { ts: now - 20 * 60_000, hr: 72, spo2: 97, rr: 14, temp: 36.8, sbp: 124 });
    await h.stores.vitals.append('r1', { ts: now - 10 * 60_000, hr: 126, spo2: 96, rr: 22, consciousness: 'A' });
    const r = await api(h.base, 'GET', '/api/residents/r1/report', { token: as('care1') });
    expect(r.status).toBe(200);
    expect(HealthReport.parse(r.body)).toMatchObject({
      residentId: 'r1',
      // The test above left a reading of 72 one minute ago.
      vitals: { hr: { min: 72, max: 126, samples: 3 } },
      news2: { worst: { score: 4 } },
    });
    // 126 bpm from −10 min until the next reading at −1 min.
    expect(Math.abs(r.body.vitals.hr.outOfRangeMs - 540_000)).toBeLessThan(5_000);
    // r1 gave managers consent in the test above.
    expect((await api(h.base, 'GET', '/api/residents/r1/report', { token: as('manager1') })).status).toBe(200);
    expect((await api(h.base, 'GET', '/api/residents/r1/report', { token: as('care1z2') })).status).toBe(403);
    expect((await api(h.base, 'GET', '/api/residents/r1/report', { token: as('care2') })).status).toBe(404);
    const bad = await api(h.base, 'GET', `/api/residents/r1/report?from=${now}&to=${now - 1}`, { token: as('care1') });
    expect(bad.body.error.code).toBe('invalid_input');
  });

  it('reads a window back from now (contract §4.1 `?window=24h`), refusing a malformed or doubled one', async () => {
    // Readings at −20, −10 and −1 min: a 15-minute window holds the last two.
    const r = await api(h.base, 'GET', '/api/residents/r1/report?window=15m', { token: as('care1') });
    expect(r.status).toBe(200);
    expect(r.body.vitals.hr.samples).toBe(2);
    const day = await api(h.base, 'GET', '/api/residents/r1/report?window=24h', { token: as('care1') });
    expect(day.body.vitals.hr.samples).toBe(3);
    for (const q of ['window=24', 'window=0h', 'window=1y', `window=1h&from=${Date.now() - 1000}`]) {
      const bad = await api(h.base, 'GET', `/api/residents/r1/report?${q}`, { token: as('care1') });
      expect(bad.status, q).toBe(400);
      expect(bad.body.error.code, q).toBe('invalid_input');
    }
  });
});

describe('input errors', () => {
  it('answers 400 invalid_input for a body that fails the schema', async () => {
    const res = await api(h.base, 'POST', '/api/facilities', { token: as('admin'), body: { name: '', zones: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(Array.isArray(res.body.error.details)).toBe(true);
  });

  it('answers 400 invalid_input for malformed JSON, without a stack trace', async () => {
    const res = await api(h.base, 'POST', '/api/facilities', { token: as('admin'), body: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js:\d+/);
  });

  it('answers 404 not_found for an unknown route and 413 for a huge body', async () => {
    const res = await api(h.base, 'GET', '/api/nothing-here', { token: as('admin') });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const big = await api(h.base, 'POST', '/api/facilities', {
      token: as('admin'),
      body: { name: 'x'.repeat(300_000), zones: [] },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
  });
});

describe('alerts', () => {
  it('lists by priority, then newest first, only within the facility', async () => {
    const low = await raise(h.alerts, {
      residentId: 'r2',
      zoneId: 'z2',
      kind: 'device.low_battery',
      priority: 'low',
      title: 'battery',
    });
    await tick();
    const high = await raise(h.alerts, { kind: 'fall', priority: 'high', title: 'fall' });
    await tick();
    const medium = await raise(h.alerts, { kind: 'vital.hr_high', priority: 'medium', title: 'hr' });
    await tick();
    const high2 = await raise(h.alerts, {
      residentId: 'r2',
      zoneId: 'z2',
      kind: 'sos',
      priority: 'high',
      title: 'sos',
    });
    await raise(h.alerts, { facilityId: 'f2', residentId: 'r3', kind: 'sos', priority: 'high', title: 'other' });
    const res = await api(h.base, 'GET', '/api/alerts?state=open', { token: as('care1') });
    expect(res.status).toBe(200);
    const ids = res.body.map((a: { id: string }) => a.id);
    expect(ids).toEqual([high2.id, high.id, medium.id, low.id]);
    const zoned = await api(h.base, 'GET', '/api/alerts', { token: as('care1z2') });
    expect(zoned.body.map((a: { id: string }) => a.id)).toEqual([high2.id, low.id]);
    const own = await api(h.base, 'GET', '/api/alerts', { token: as('res1user') });
    expect(own.body.map((a: { id: string }) => a.id).sort()).toEqual([high.id, medium.id].sort());
    expect((await api(h.base, 'GET', `/api/alerts/${high.id}`, { token: as('care2') })).status).toBe(404);
  });

  it('acknowledges once (200) and refuses a second ack (409 illegal_state)', async () => {
    const a = await raise(h.alerts, {
      residentId: 'r2',
      zoneId: 'z2',
      kind: 'vital.spo2_low',
      priority: 'high',
      title: 'spo2',
    });
    expect((await api(h.base, 'POST', `/api/alerts/${a.id}/ack`, { token: as('admin') })).status).toBe(403);
    const first = await api(h.base, 'POST', `/api/alerts/${a.id}/ack`, { token: as('care1') });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: a.id, state: 'acknowledged', acknowledgedBy: 'care1' });
    expect(h.acknowledged.map((x) => x.id)).toContain(a.id);
    const second = await api(h.base, 'POST', `/api/alerts/${a.id}/ack`, { token: as('care1'), body: {} });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('illegal_state');

    const bad = await api(h.base, 'POST', `/api/alerts/${a.id}/resolve`, {
      token: as('care1'),
      body: { outcome: 'cancelled' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    const ok = await api(h.base, 'POST', `/api/alerts/${a.id}/resolve`, {
      token: as('care1'),
      body: { outcome: 'handled', note: 'ok' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'resolved', outcome: 'handled', resolvedBy: 'care1' });
    const again = await api(h.base, 'POST', `/api/alerts/${a.id}/resolve`, {
      token: as('care1'),
      body: { outcome: 'handled' },
    });
    expect(again.status).toBe(409);
  });

  it('hides the location unless the resident consented to it', async () => {
    const a = await raise(h.alerts, {
      residentId: 'r2',
      zoneId: 'z2',
      kind: 'fall',
      location: { lat: 30.27, lon: 120.16 },
    });
    const hidden = await api(h.base, 'GET', `/api/alerts/${a.id}`, { token: as('care1') });
    expect(hidden.body).not.toHaveProperty('location');
    await api(h.base, 'PUT', '/api/residents/r2/consent', { token: as('admin'), body: { location: true } });
    const shown = await api(h.base, 'GET', `/api/alerts/${a.id}`, { token: as('care1') });
    expect(shown.body.location).toEqual({ lat: 30.27, lon: 120.16 });
  });
});
