import type { Bundle, Observation } from '@medplum/fhirtypes';
import type { AuditEntry, Resident } from '@vigil/contracts';
import { importedPoints, loadSpecification } from '@vigil/fhir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './harness.ts';

const MIN = 60_000;
const PASSWORD = 'staff-pass-123';

/**
 * Care that travels across deployments (issue 15 item 4, contract §4.1 `POST /api/residents/import`),
 * through the real path: a wearable's readings over MQTT at facility A, A's FHIR export over REST,
 * imported at facility B by B's manager with the resident's consent. B's history then holds exactly
 * the exported readings (B's own export says the same), a bundle the R4 specification rejects is a
 * 400 naming its problems, a caregiver may not import, and B's audit chain records the import.
 */
describe('importing a resident from another deployment', () => {
  let p: Platform;
  let admin: string;
  const token: Record<string, string> = {};
  let exported: Bundle;
  // Ten minutes of readings every 20 s, ending two minutes ago, on a minute boundary.
  const end = Math.floor(Date.now() / MIN) * MIN - 2 * MIN;
  const from = end - 10 * MIN;
  const samples = Array.from({ length: 30 }, (_, i) => ({
    ts: from + i * 20_000,
    seq: i + 1,
    hr: 70 + i,
    spo2: 96,
    rr: 16,
    temp: 36.8,
    ...(i % 3 === 1 && { sbp: 120 + i, dbp: 70 }),
  }));
  const window = `from=${from}&to=${end - 1}&step=${MIN}`;
  const consent = { caregiver: true, medical: true, manager: true, location: false };
  const importAs = (who: string, body: object) =>
    p.api<{ resident: Resident; imported: { readings: number; from: string | null; baselines: string[] } }>(
      'POST',
      '/api/residents/import',
      who,
      body,
    );
  const arrival = (bundle: unknown) => ({
    bundle,
    facilityId: 'fb',
    name: 'Mrs Lin',
    zoneId: 'zb',
    roomId: '7',
    consent,
  });

  beforeAll(async () => {
    loadSpecification();
    p = await startPlatform({ simulator: false });
    admin = await p.login('admin', 'admin-pass-123');
    await p.must('POST', '/api/facilities', admin, { id: 'fa', name: 'Lakeside', zones: [{ id: 'z1', name: 'East' }] });
    await p.must('POST', '/api/facilities', admin, { id: 'fb', name: 'Hillside', zones: [{ id: 'zb', name: 'Sun' }] });
    for (const [id, role, facilityId] of [
      ['carerA', 'caregiver', 'fa'],
      ['carerB', 'caregiver', 'fb'],
      ['managerB', 'manager', 'fb'],
    ] as const) {
      await p.must('POST', '/api/users', admin, {
        id,
        username: id,
        password: PASSWORD,
        name: id,
        role,
        facilityIds: [facilityId],
      });
      token[id] = await p.login(id, PASSWORD);
    }
    await p.must('POST', '/api/residents', admin, {
      id: 'r1',
      facilityId: 'fa',
      name: 'Mrs Lin',
      zoneId: 'z1',
      roomId: '1',
    });
    const { secret } = await p.must<{ secret: string }>('POST', '/api/devices', admin, {
      id: 'w1',
      facilityId: 'fa',
      kind: 'wearable',
      residentId: 'r1',
    });
    const device = await p.connectDevice('w1', secret);
    await device.publishAsync('care/fa/devices/w1/vitals', JSON.stringify({ samples }), { qos: 1 });
    const stored = async () =>
      (await p.must<{ points: unknown[] }>('GET', `/api/residents/r1/vitals?from=${from}&to=${end}`, token.carerA!))
        .points.length;
    for (let tries = 0; (await stored()) < 30; tries++) {
      if (tries > 100) throw new Error('the batch never reached the history');
      await new Promise((r) => setTimeout(r, 100));
    }
    exported = await p.must<Bundle>('GET', `/api/residents/r1/fhir?${window}`, token.carerA!);
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('refuses a caregiver, and a manager of another facility cannot name it', async () => {
    expect((await importAs(token.carerB!, arrival(exported))).status).toBe(403);
    const elsewhere = await importAs(token.managerB!, { ...arrival(exported), facilityId: 'fa', zoneId: 'z1' });
    expect(elsewhere.status).toBe(404);
  });

  it('answers 400 with the validator’s problems for a bundle the R4 specification rejects', async () => {
    const broken = structuredClone(exported);
    const obs = broken.entry?.find((e) => e.resource?.resourceType === 'Observation')?.resource as Partial<Observation>;
    delete obs.status;
    const res = await importAs(token.managerB!, arrival(broken));
    expect(res.status).toBe(400);
    const { error } = res.body as unknown as { error: { code: string; details: { path: string; message: string }[] } };
    expect(error.code).toBe('invalid_input');
    expect(error.details.some((d) => d.path.includes('status'))).toBe(true);
    // Nothing was created.
    const residents = await p.must<{ items?: Resident[] } | Resident[]>('GET', '/api/residents?facilityId=fb', admin);
    expect(JSON.stringify(residents)).not.toContain('Mrs Lin');
  });

  let imported: Resident;
  it('creates the resident at B with the consent given and the exported readings as history', async () => {
    const res = await importAs(token.managerB!, arrival(exported));
    expect(res.status).toBe(201);
    imported = res.body.resident;
    // r1 is taken in this deployment: the resident gets an id of its own.
    expect(imported.id).not.toBe('r1');
    expect(imported).toMatchObject({ facilityId: 'fb', zoneId: 'zb', roomId: '7', name: 'Mrs Lin', consent });
    const expected = importedPoints(exported);
    // One heart rate, SpO2, respiration and temperature per minute, a blood pressure a minute.
    // Readings without steps are never resting: nothing learned at A, no baseline to bring.
    expect(res.body.imported).toEqual({ readings: expected.length, from: 'r1', baselines: [] });
    expect(expected.filter((q) => q.hr !== undefined)).toHaveLength(10);

    const history = await p.must<{ points: { ts: string }[] }>(
      'GET',
      `/api/residents/${imported.id}/vitals?from=${from}&to=${end}`,
      token.managerB!,
    );
    expect(history.points).toEqual(expected.map((q) => ({ ...q, ts: new Date(q.ts).toISOString() })));
    // Minute k's last heart rate is sample 3k+2's.
    expect(history.points.filter((q) => 'hr' in q).map((q) => (q as { hr: number }).hr)).toEqual(
      Array.from({ length: 10 }, (_, k) => 72 + 3 * k),
    );
  });

  it('exports at B the same observations A exported', async () => {
    const again = await p.must<Bundle>('GET', `/api/residents/${imported.id}/fhir?${window}`, token.managerB!);
    const values = (b: Bundle) =>
      (b.entry ?? [])
        .map((e) => e.resource)
        .filter((r): r is Observation => r?.resourceType === 'Observation')
        .map((o) => [
          o.code.coding?.[0]?.code,
          o.effectiveDateTime,
          o.valueQuantity?.value ?? o.valueInteger,
          o.component?.map((c) => c.valueQuantity?.value ?? c.valueInteger ?? null),
        ]);
    expect(values(again)).toEqual(values(exported));
  });

  it('keeps the exported id where it is free here; an id asked for that is taken is 409', async () => {
    const renamed = structuredClone(exported);
    const patient = renamed.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource as {
      identifier: { value: string }[];
    };
    patient.identifier[0]!.value = 'r9';
    const res = await importAs(token.managerB!, arrival(renamed));
    expect(res.status).toBe(201);
    expect(res.body.resident.id).toBe('r9');
    expect((await p.must<Resident>('GET', '/api/residents/r9', admin)).consent).toEqual(consent);
    expect((await importAs(token.managerB!, { ...arrival(exported), id: 'r9' })).status).toBe(409);
  });

  it('is in B’s audit chain as resident.import, ids and a count, no health value', async () => {
    const entries = await p.must<AuditEntry[]>('GET', `/api/audit?facilityId=fb&residentId=${imported.id}`, admin);
    const entry = entries.find((e) => e.action === 'resident.import');
    expect(entry).toMatchObject({ actorId: 'managerB', outcome: 'allowed', facilityId: 'fb' });
    expect(entry?.detail).toBe(`from r1; ${importedPoints(exported).length} readings; baselines none`);
  });
});
