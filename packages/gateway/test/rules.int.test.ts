import { DEFAULT_RULE_SETTINGS } from '@vigil/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Harness, type Json, login, startHarness } from './fixtures.ts';

let h: Harness;
const tokens: Record<string, string> = {};
const as = (user: string) => tokens[user] ?? '';
const MIN = 60_000;

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['admin', 'manager1', 'care1', 'medical1', 'manager2', 'care2', 'res1user']) {
    tokens[u] = await login(h.base, u);
  }
});
afterAll(() => h.close());

const getRules = (facilityId: string, user = 'admin') =>
  api(h.base, 'GET', `/api/facilities/${facilityId}/rules`, { token: as(user) });
const putRules = (facilityId: string, body: unknown, user = 'admin') =>
  api(h.base, 'PUT', `/api/facilities/${facilityId}/rules`, { token: as(user), body });
const putCarePlan = (residentId: string, body: unknown, user = 'admin') =>
  api(h.base, 'PUT', `/api/residents/${residentId}/care-plan`, { token: as(user), body });
/**
 * The stored record: an admin without the resident's manager consent reads it over REST without its
 * care plan (issue 13, contract §4.2), so these tests look at the store.
 */
const residentOf = async (id: string) => (await h.stores.residents.get(id)) as Json;
const paths = (body: Json): string[] => body.error.details.map((d: { path: string }) => d.path);

describe('GET /api/facilities/{id}/rules', () => {
  it('answers the defaults at version 1 to every member of staff of the facility', async () => {
    for (const user of ['admin', 'manager1', 'care1', 'medical1']) {
      const res = await getRules('f1', user);
      expect(res.status, user).toBe(200);
      expect(res.body).toEqual({ facilityId: 'f1', version: 1, ...DEFAULT_RULE_SETTINGS });
    }
  });

  it('is 403 for a resident, 404 across facilities or for an unknown facility, 401 without a token', async () => {
    const resident = await getRules('f1', 'res1user');
    expect(resident.status).toBe(403);
    expect(resident.body.error.code).toBe('forbidden');
    for (const user of ['manager2', 'care2']) {
      const res = await getRules('f1', user);
      expect(res.status, user).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await getRules('nowhere')).status).toBe(404);
    const anonymous = await api(h.base, 'GET', '/api/facilities/f1/rules');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');
  });
});

describe('PUT /api/facilities/{id}/rules', () => {
  it('changes only the named field, bumps the version and records who and when', async () => {
    const before = Date.now();
    const res = await putRules('f1', { vitals: { hr: { high: 115 } } }, 'manager1');
    expect(res.status).toBe(200);
    const { updatedAt, updatedBy, ...rest } = res.body;
    expect(rest).toEqual({
      facilityId: 'f1',
      version: 2,
      ...DEFAULT_RULE_SETTINGS,
      vitals: { ...DEFAULT_RULE_SETTINGS.vitals, hr: { ...DEFAULT_RULE_SETTINGS.vitals.hr, high: 115 } },
    });
    expect(updatedBy).toBe('manager1');
    expect(updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(updatedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(updatedAt)).toBeLessThanOrEqual(Date.now());
    // What every member of staff reads from now on.
    expect((await getRules('f1', 'care1')).body).toEqual(res.body);
  });

  it('keeps the first change through a second one', async () => {
    const res = await putRules('f1', { noData: { wearable: { warnMs: 5 * MIN } }, inactivity: { enabled: false } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 3, updatedBy: 'admin' });
    expect(res.body.vitals.hr).toEqual({ ...DEFAULT_RULE_SETTINGS.vitals.hr, high: 115 });
    expect(res.body.noData).toEqual({
      ...DEFAULT_RULE_SETTINGS.noData,
      wearable: { ...DEFAULT_RULE_SETTINGS.noData.wearable, warnMs: 5 * MIN },
    });
    expect(res.body.inactivity).toEqual({ ...DEFAULT_RULE_SETTINGS.inactivity, enabled: false });
    expect((await getRules('f1')).body).toEqual(res.body);
  });

  it.each([
    ['hr low at or above high', { vitals: { hr: { low: 100, high: 100 } } }, 'vitals.hr.high'],
    ['hr low above the stored high', { vitals: { hr: { low: 118 } } }, 'vitals.hr.high'],
    ['spo2 criticalLow above low', { vitals: { spo2: { criticalLow: 95 } } }, 'vitals.spo2.low'],
    ['temp outside what a body can measure', { vitals: { temp: { criticalHigh: 50 } } }, 'vitals.temp.criticalHigh'],
    ['noData warnMs equal to urgentMs', { noData: { sensor: { warnMs: 60 * MIN } } }, 'noData.sensor.urgentMs'],
    ['noData warnMs above urgentMs', { noData: { wearable: { warnMs: 40 * MIN } } }, 'noData.wearable.urgentMs'],
    ['a critical limit inside the tiers', { criticalLimits: { hr: { high: 125 } } }, 'criticalLimits.hr.high'],
    ['battery low below critical', { battery: { lowPct: 4 } }, 'battery'],
    ['an unknown time zone', { inactivity: { timeZone: 'Mars/Olympus_Mons' } }, 'inactivity.timeZone'],
    ['empty waking hours', { inactivity: { wakeFrom: '08:00', wakeTo: '08:00' } }, 'inactivity.wakeTo'],
    ['a valid field next to an invalid one', { maxGapMs: MIN, airTemp: { low: 40 } }, 'airTemp.high'],
  ])('refuses %s with 400 invalid_input naming the path, and stores nothing', async (_, body, path) => {
    const before = (await getRules('f1')).body;
    const res = await putRules('f1', body, 'manager1');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(paths(res.body)).toContain(path);
    expect(res.body.error.message).toContain(path);
    expect((await getRules('f1')).body).toEqual(before);
  });

  it.each([
    ['an unknown top-level key', { thresholds: { hr: { high: 110 } } }, '/'],
    ['an unknown nested key', { vitals: { hr: { hi: 110 } } }, '/vitals/hr'],
    ['an unknown vital', { vitals: { dbp: { high: 90 } } }, '/vitals'],
    ['a negative forMs', { vitals: { hr: { forMs: -1 } } }, '/vitals/hr/forMs'],
    ['a fractional forMs', { news2: { forMs: 1.5 } }, '/news2/forMs'],
    ['a malformed waking time', { inactivity: { wakeFrom: '7:30' } }, '/inactivity/wakeFrom'],
    ['a string for a number', { maxGapMs: '120000' }, '/maxGapMs'],
    ['an array body', [], '/'],
  ])('refuses %s at the schema with 400 invalid_input, and stores nothing', async (_, body, path) => {
    const before = (await getRules('f1')).body;
    const res = await putRules('f1', body, 'manager1');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(paths(res.body)).toContain(path);
    expect((await getRules('f1')).body).toEqual(before);
  });

  it('is 403 for caregivers, medical staff and residents; 404 across facilities; 401 without a token', async () => {
    const body = { vitals: { hr: { high: 110 } } };
    const before = (await getRules('f1')).body;
    for (const user of ['care1', 'medical1', 'res1user']) {
      const res = await putRules('f1', body, user);
      expect(res.status, user).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    for (const user of ['manager2', 'care2']) {
      const res = await putRules('f1', body, user);
      expect(res.status, user).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await putRules('nowhere', body)).status).toBe(404);
    const anonymous = await api(h.base, 'PUT', '/api/facilities/f1/rules', { body });
    expect(anonymous.status).toBe(401);
    expect((await getRules('f1')).body).toEqual(before);
  });

  it('keeps each facility its own settings and version', async () => {
    const f1 = (await getRules('f1')).body;
    const res = await putRules('f2', { vitals: { spo2: { low: 92 } } }, 'manager2');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ facilityId: 'f2', version: 2, updatedBy: 'manager2' });
    expect(res.body.vitals.hr).toEqual(DEFAULT_RULE_SETTINGS.vitals.hr);
    expect(res.body.vitals.spo2.low).toBe(92);
    expect((await getRules('f1')).body).toEqual(f1);
  });

  it('changes the critical limits, a device profile and the window fraction like any other setting', async () => {
    const res = await putRules('f2', {
      criticalLimits: { hr: { high: 150 }, confirmMs: 3000 },
      profiles: { cuff: { hr: { mode: 'spot', freshMs: 20 * MIN } } },
      persistence: { fraction: 0.9 },
    });
    expect(res.status).toBe(200);
    expect(res.body.criticalLimits).toEqual({
      ...DEFAULT_RULE_SETTINGS.criticalLimits,
      hr: { low: 40, high: 150 },
      confirmMs: 3000,
    });
    expect(res.body.profiles.cuff).toEqual({
      ...DEFAULT_RULE_SETTINGS.profiles.cuff,
      hr: { mode: 'spot', freshMs: 20 * MIN },
    });
    expect(res.body.persistence).toEqual({ ...DEFAULT_RULE_SETTINGS.persistence, fraction: 0.9 });
    // A confirmation longer than the 10 s bedside monitors promise is refused (clinical.md).
    const slow = await putRules('f2', { criticalLimits: { confirmMs: 15_000 } });
    expect(slow.status).toBe(400);
    expect(paths(slow.body)).toContain('/criticalLimits/confirmMs');
  });
});

describe('PUT /api/residents/{id}/care-plan', () => {
  it('replaces the care plan for a manager and bumps carePlanVersion from 1 to 2', async () => {
    expect((await residentOf('r1')).carePlanVersion).toBeUndefined();
    const plan = {
      thresholds: { hr: { high: 110, criticalHigh: 125 }, spo2: { low: 88, criticalLow: 85 } },
      spo2Scale: 2,
      onOxygen: true,
      inactivity: { wakeFrom: '06:00', afterMs: 2 * 60 * MIN },
      baseline: { enabled: false },
    };
    const res = await putCarePlan('r1', plan, 'manager1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'r1', carePlan: plan, carePlanVersion: 2 });
    expect(res.body.consent).toEqual((await residentOf('r1')).consent);
    expect(await residentOf('r1')).toMatchObject({ carePlan: plan, carePlanVersion: 2 });
  });

  it('replaces rather than merges, bumping the version again', async () => {
    const res = await putCarePlan('r1', { onOxygen: false });
    expect(res.status).toBe(200);
    expect(res.body.carePlan).toEqual({ onOxygen: false });
    expect(res.body.carePlanVersion).toBe(3);
  });

  it('lets medical staff change it while the resident consents, and not after', async () => {
    const allowed = await putCarePlan('r2', { thresholds: { rr: { high: 22 } } }, 'medical1');
    expect(allowed.status).toBe(200);
    expect(allowed.body.carePlanVersion).toBe(2);
    const consent = await api(h.base, 'PUT', '/api/residents/r2/consent', {
      token: as('admin'),
      body: { medical: false },
    });
    expect(consent.status).toBe(200);
    const refused = await putCarePlan('r2', { thresholds: { rr: { high: 23 } } }, 'medical1');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(await residentOf('r2')).toMatchObject({
      carePlan: { thresholds: { rr: { high: 22 } } },
      carePlanVersion: 2,
    });
  });

  it('is 403 for caregivers and residents, 404 across facilities or for an unknown resident, 401 without a token', async () => {
    const body = { onOxygen: true };
    for (const user of ['care1', 'res1user']) {
      const res = await putCarePlan('r1', body, user);
      expect(res.status, user).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    for (const user of ['manager2', 'care2']) {
      const res = await putCarePlan('r1', body, user);
      expect(res.status, user).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await putCarePlan('r3', body, 'manager1')).status).toBe(404);
    const unknown = await putCarePlan('nobody', body, 'manager1');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await putCarePlan('nobody', body)).status).toBe(404);
    expect((await api(h.base, 'PUT', '/api/residents/r1/care-plan', { body })).status).toBe(401);
    expect(await residentOf('r1')).toMatchObject({ carePlan: { onOxygen: false }, carePlanVersion: 3 });
  });

  it.each([
    ['hr low 130 above the high of 120', { thresholds: { hr: { low: 130 } } }, 'thresholds.hr.high'],
    ['a critical high below the high', { thresholds: { hr: { criticalHigh: 100 } } }, 'thresholds.hr.criticalHigh'],
    ['a critical low above the low', { thresholds: { spo2: { criticalLow: 95 } } }, 'thresholds.spo2.low'],
    ['a limit outside what a body can measure', { thresholds: { temp: { high: 50 } } }, 'thresholds.temp.high'],
    ['empty waking hours', { inactivity: { wakeFrom: '21:30', wakeTo: '21:30' } }, 'inactivity.wakeTo'],
    ['a critical limit inside the tier limits', { criticalLimits: { spo2: { low: 93 } } }, 'criticalLimits.spo2.low'],
  ])('refuses %s with 400 invalid_input naming the path, and stores nothing', async (_, body, path) => {
    const before = await residentOf('r3');
    const res = await putCarePlan('r3', body, 'manager2');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(paths(res.body)).toContain(path);
    expect(res.body.error.message).toContain(path);
    expect(await residentOf('r3')).toEqual(before);
  });

  it.each([
    ['an unknown key', { thresholds: { hr: { hi: 100 } } }],
    ['an unknown vital', { thresholds: { dbp: { high: 90 } } }],
    ['spo2Scale 3', { spo2Scale: 3 }],
    ['an inactivity limit under 15 minutes', { inactivity: { afterMs: MIN } }],
  ])('refuses %s at the schema with 400 invalid_input', async (_, body) => {
    const before = await residentOf('r3');
    const res = await putCarePlan('r3', body, 'manager2');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.details.length).toBeGreaterThan(0);
    expect(await residentOf('r3')).toEqual(before);
  });

  it('accepts own critical limits beyond the tiers (a resting pulse of 38 under beta blockers)', async () => {
    const plan = { thresholds: { hr: { low: 38 } }, criticalLimits: { hr: { low: 33 } } };
    const res = await putCarePlan('r3', plan, 'manager2');
    expect(res.status).toBe(200);
    expect(res.body.carePlan).toEqual(plan);
  });

  it("judges an override against the facility's current rules, not the defaults", async () => {
    // f1's hr high is 115 now (PUT rules above): a low of 118 inverts the pair there.
    const res = await putCarePlan('r2', { thresholds: { hr: { low: 118 } } });
    expect(res.status).toBe(400);
    expect(paths(res.body)).toContain('thresholds.hr.high');
    // Overriding both ends together is fine, and moves the critical tier along.
    const both = await putCarePlan('r2', { thresholds: { hr: { low: 118, high: 140 } } });
    expect(both.status).toBe(200);
    expect(both.body.carePlanVersion).toBe(3);
  });

  it('applies the same check to a care plan given when a resident is created', async () => {
    const body = {
      facilityId: 'f1',
      name: 'Dee',
      zoneId: 'z1',
      roomId: '102',
      carePlan: { thresholds: { hr: { low: 130 } } },
    };
    const bad = await api(h.base, 'POST', '/api/residents', { token: as('manager1'), body: { ...body, id: 'r9' } });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toContain('thresholds.hr.high');
    expect((await api(h.base, 'GET', '/api/residents/r9', { token: as('admin') })).status).toBe(404);
    const ok = await api(h.base, 'POST', '/api/residents', {
      token: as('manager1'),
      body: { ...body, id: 'r9', carePlan: { thresholds: { hr: { low: 50 } } } },
    });
    expect(ok.status).toBe(201);
  });
});
