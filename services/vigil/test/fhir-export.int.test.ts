import type { Bundle, Observation } from '@medplum/fhirtypes';
import { fhirProblems, loadSpecification } from '@vigil/fhir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './harness.ts';

/**
 * FHIR export through the real path (contract §4.4, issue 15): a wearable's store-and-forward batch
 * over MQTT, the history, `GET /api/residents/{id}/fhir` over REST, the answer checked against the
 * FHIR R4 specification (@medplum/core with the R4 StructureDefinitions and vital-signs profiles).
 */
describe('FHIR export of a resident', () => {
  let p: Platform;
  let admin: string;
  let carer: string;
  const MIN = 60_000;
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

  beforeAll(async () => {
    loadSpecification();
    p = await startPlatform();
    const provisioned = await p.provision(1);
    admin = provisioned.admin;
    const [w] = provisioned.devices;
    carer = await p.login('carer1', 'carer-pass-123');
    await p.must('PUT', '/api/residents/r1/care-plan', admin, { onOxygen: false });
    const device = await p.connectDevice(w!.deviceId, w!.secret);
    await device.publishAsync(`care/f1/devices/${w!.deviceId}/vitals`, JSON.stringify({ samples }), { qos: 1 });
    // Until the history holds the whole batch (expect.poll belongs to tests, not hooks).
    const stored = async () =>
      (await p.must<{ points: unknown[] }>('GET', `/api/residents/r1/vitals?from=${from}&to=${end}&step=1000`, carer))
        .points.length;
    for (let tries = 0; (await stored()) < 30; tries++) {
      if (tries > 100) throw new Error('the batch never reached the history');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
  });

  const exportAs = (token: string, query: string) =>
    fetch(`${p.baseUrl}/api/residents/r1/fhir?${query}`, { headers: { authorization: `Bearer ${token}` } });

  it('answers a valid R4 Bundle, application/fhir+json, not cached, one reading per vital per minute', async () => {
    const res = await exportAs(carer, `from=${from}&to=${end - 1}&step=${MIN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    const bundle = (await res.json()) as Bundle;
    expect(fhirProblems(bundle)).toEqual([]);

    const obs = (bundle.entry ?? [])
      .map((e) => e.resource)
      .filter((r): r is Observation => r?.resourceType === 'Observation');
    const coded = (code: string) => obs.filter((o) => o.code.coding?.some((c) => c.code === code));
    // Minute k holds samples 3k..3k+2: its last heart rate is 70 + 3k + 2.
    expect(coded('8867-4').map((o) => o.valueQuantity?.value)).toEqual(
      Array.from({ length: 10 }, (_, k) => 72 + 3 * k),
    );
    // One cuff reading a minute (sample 3k+1), as one panel.
    expect(coded('85354-9').map((o) => o.component?.[0]?.valueQuantity?.value)).toEqual(
      Array.from({ length: 10 }, (_, k) => 121 + 3 * k),
    );
    // NEWS2 each minute: HR 72..99 scores 0 up to 90 and 1 above; the rest score 0; consciousness not observed.
    const news2 = coded('1104051000000101');
    expect(news2.map((o) => o.valueInteger)).toEqual(Array.from({ length: 10 }, (_, k) => (72 + 3 * k > 90 ? 1 : 0)));
    expect(news2.every((o) => (o.derivedFrom ?? []).length === 5)).toBe(true);
    const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource;
    expect(JSON.stringify(patient)).not.toContain('Resident 1');
  });

  it('is audited as fhir.export', async () => {
    const entries = await p.must<{ action: string; actorId: string; residentId?: string }[]>(
      'GET',
      '/api/audit?facilityId=f1&residentId=r1',
      admin,
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ action: 'fhir.export', actorId: 'carer1', residentId: 'r1' }),
    );
  });

  it('refuses what the report refuses, and too many steps, with a machine-readable error', async () => {
    const tooMany = await exportAs(carer, `from=${end - 8 * 24 * 3600_000}&to=${end}&step=${MIN}`);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({
      error: { code: expect.any(String), message: expect.stringMatching(/step/) },
    });

    await p.must('PUT', '/api/residents/r1/consent', admin, { caregiver: false });
    const withheld = await exportAs(carer, '');
    expect(withheld.status).toBe(403);
    await p.must('PUT', '/api/residents/r1/consent', admin, { caregiver: true });
  });
});
