import type { Bundle, Observation } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportBundle } from './bundle.ts';
import type { HistoryPoint } from './stepping.ts';
import { fhirProblems, fhirProblemsInTurns, loadSpecification } from './validate.ts';

// The R4 specification is ~40 MB of JSON: loaded once, before the first test's clock starts.
beforeAll(() => void loadSpecification(), 120_000);

const T0 = Date.parse('2026-12-01T08:00:00Z');
const MIN = 60_000;

/** Two minutes of a wristband at 20 s, a cuff reading in the second minute, temperature once. */
const POINTS: HistoryPoint[] = [
  { ts: T0 + 0, hr: 70, spo2: 97, rr: 14, temp: 36.6 },
  { ts: T0 + 20_000, hr: 72, spo2: 96, rr: 15 },
  { ts: T0 + 40_000, hr: 75, spo2: 95, rr: 16 },
  { ts: T0 + MIN + 0, hr: 118, spo2: 93, rr: 22 },
  { ts: T0 + MIN + 10_000, sbp: 104, dbp: 66 },
  { ts: T0 + MIN + 40_000, hr: 121, spo2: 92, rr: 23 },
];

function exported(points = POINTS, carePlan = { onOxygen: false }): Bundle {
  return exportBundle({
    resident: { id: 'res-001', carePlan },
    devices: [{ id: 'wb-001', state: 'online' }],
    points,
    from: T0,
    to: T0 + 2 * MIN,
    stepMs: MIN,
    now: T0 + 2 * MIN,
  });
}

const resources = (b: Bundle) => (b.entry ?? []).map((e) => e.resource);
const observations = (b: Bundle) => resources(b).filter((r): r is Observation => r?.resourceType === 'Observation');
const byCode = (b: Bundle, code: string) => observations(b).filter((o) => o.code.coding?.some((c) => c.code === code));

describe('FHIR export (contract §4.4)', () => {
  it('is a valid R4 collection: every resource against the specification and its vital-signs profile', () => {
    const bundle = exported();
    expect(bundle.type).toBe('collection');
    expect(fhirProblems(bundle)).toEqual([]);
  });

  it('keeps the last reading per vital per step', () => {
    const hr = byCode(exported(), '8867-4');
    expect(hr.map((o) => [o.effectiveDateTime, o.valueQuantity?.value])).toEqual([
      [new Date(T0 + 40_000).toISOString(), 75],
      [new Date(T0 + MIN + 40_000).toISOString(), 121],
    ]);
    expect(hr[0]?.valueQuantity).toMatchObject({ unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' });
    const temp = byCode(exported(), '8310-5');
    expect(temp.map((o) => o.valueQuantity?.value)).toEqual([36.6]);
    expect(temp[0]?.valueQuantity?.code).toBe('Cel');
  });

  it('codes SpO2 2708-6 with 59408-5 beside it, and blood pressure as one panel of two components', () => {
    const spo2 = byCode(exported(), '2708-6');
    expect(spo2[0]?.code.coding?.map((c) => c.code)).toEqual(['2708-6', '59408-5']);
    const [bp] = byCode(exported(), '85354-9');
    expect(
      bp?.component?.map((c) => [c.code.coding?.[0]?.code, c.valueQuantity?.value, c.valueQuantity?.code]),
    ).toEqual([
      ['8480-6', 104, 'mm[Hg]'],
      ['8462-4', 66, 'mm[Hg]'],
    ]);
  });

  it('scores NEWS2 per step from the readings it exported, one component per sub-score', () => {
    const news2 = byCode(exported(), '1104051000000101');
    expect(news2).toHaveLength(2);
    // Step 2 at 08:01:40: RR 23 → 2, SpO2 92 → 2, air 0, SBP 104 → 1, HR 121 → 2, temp 36.6 → 0;
    // consciousness never observed → missing, so the score is partial.
    const second = news2[1] as Observation;
    expect(second.valueInteger).toBe(7);
    const sub = Object.fromEntries(
      (second.component ?? []).map((c) => [
        c.code.coding?.[0]?.code,
        c.valueInteger ?? c.valueCodeableConcept?.coding?.[0]?.code ?? 'absent',
      ]),
    );
    expect(sub).toEqual({ rr: 2, spo2: 2, air: 0, sbp: 1, hr: 2, consciousness: 'absent', temp: 0, risk: 'high' });
    expect(second.note?.[0]?.text).toMatch(/Consciousness score not measured/);
    // derivedFrom names exactly the five vital observations it used, each an entry of this bundle.
    const urls = new Set((exported().entry ?? []).map((e) => e.fullUrl));
    const used = (second.derivedFrom ?? []).map((r) => r.reference);
    expect(used).toHaveLength(5);
    for (const ref of used) expect(urls.has(ref)).toBe(true);
  });

  it('shows the resident as a pseudonymous Patient and the wearable as its Device', () => {
    const all = resources(exported());
    const patient = all.find((r) => r?.resourceType === 'Patient');
    expect(patient).toMatchObject({ identifier: [{ system: 'urn:vigil:resident', value: 'res-001' }] });
    expect(JSON.stringify(patient)).not.toMatch(/"name"|"address"|"telecom"|"birthDate"/);
    expect(all.find((r) => r?.resourceType === 'Device')).toMatchObject({
      identifier: [{ value: 'wb-001' }],
      status: 'active',
    });
  });

  it('gives the same ids for the same window (an importer recognises what it holds)', () => {
    expect(exported().entry?.map((e) => e.fullUrl)).toEqual(exported().entry?.map((e) => e.fullUrl));
  });

  it('an empty window is a valid bundle with the patient and device only', () => {
    const bundle = exported([]);
    expect(resources(bundle).map((r) => r?.resourceType)).toEqual(['Patient', 'Device']);
    expect(fhirProblems(bundle)).toEqual([]);
  });
});

describe('the validator finds what is wrong (so a pass means something)', () => {
  it('a missing required element', () => {
    const bundle = exported();
    const obs = observations(bundle)[0] as Partial<Observation>;
    delete obs.status;
    expect(
      fhirProblems(bundle)
        .map((p) => p.path)
        .join(' '),
    ).toMatch(/status/);
  });

  it('a heart rate coded with another LOINC code breaks the heartrate profile', () => {
    const bundle = exported();
    const [hr] = byCode(bundle, '8867-4');
    if (hr?.code.coding?.[0]) hr.code.coding[0].code = '8310-5';
    expect(fhirProblems(bundle).some((p) => p.path.includes('heartrate'))).toBe(true);
  });

  it('a temperature without the vital-signs category breaks the vitalsigns profile', () => {
    const bundle = exported();
    const [temp] = byCode(bundle, '8310-5');
    if (temp) temp.category = [{ coding: [{ system: 'http://example.org', code: 'other' }] }];
    expect(fhirProblems(bundle).some((p) => /vitalsigns.*category/.test(p.path))).toBe(true);
  });

  it('in turns (for a server) finds the same problems', async () => {
    const bundle = exported();
    const [hr] = byCode(bundle, '8867-4');
    if (hr?.code.coding?.[0]) hr.code.coding[0].code = '8310-5';
    const problems = fhirProblems(bundle);
    expect(problems.length).toBeGreaterThan(0);
    expect(await fhirProblemsInTurns(bundle)).toEqual(problems);
    expect(await fhirProblemsInTurns(exported())).toEqual([]);
  });

  it('a claimed profile the specification does not define', () => {
    const bundle = exported();
    const [temp] = byCode(bundle, '8310-5');
    if (temp) temp.meta = { profile: ['http://example.org/StructureDefinition/made-up'] };
    expect(fhirProblems(bundle).map((p) => p.message)).toContain(
      'unknown profile http://example.org/StructureDefinition/made-up',
    );
  });
});
