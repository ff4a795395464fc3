import type { Bundle, Observation } from '@medplum/fhirtypes';
import { type BaselineState, updateBaseline } from '@vigil/rules';
import { beforeAll, describe, expect, it } from 'vitest';
import { importedBaselines } from './baseline-observation.ts';
import { type ExportInput, exportBundle } from './bundle.ts';
import { importedPoints } from './import.ts';
import { fhirProblems, loadSpecification } from './validate.ts';

beforeAll(() => void loadSpecification(), 120_000);

const T0 = Date.parse('2026-12-01T06:00:00Z');
const MIN = 60_000;

/** 150 resting minutes as the rules learn them: 58, 61, 64 in turn (mean 61, sd √6 ≈ 2.45). */
function learned(): BaselineState {
  let b: BaselineState | undefined;
  for (let i = 0; i < 150; i++) b = updateBaseline(b, 58 + (i % 3) * 3, T0 + i * MIN, 24 * 60 * MIN);
  return b as BaselineState;
}

const input = (baselines: ExportInput['baselines']): ExportInput => ({
  resident: { id: 'res-001', carePlan: {} },
  devices: [{ id: 'wb-001', state: 'online' }],
  points: [{ ts: T0 + 149 * MIN, hr: 61 }],
  from: T0 + 140 * MIN,
  to: T0 + 150 * MIN,
  stepMs: MIN,
  now: T0 + 150 * MIN,
  baselines,
});

const baselineObservations = (b: Bundle) =>
  (b.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is Observation => r?.resourceType === 'Observation' && r.code.coding?.[0]?.code === '40443-4');

describe('personal baselines in the FHIR export and import (issue 15 item 4)', () => {
  it('exports the learned resting heart rate as a valid R4 Observation: LOINC 40443-4, /min, its learning window', () => {
    const bundle = exportBundle(input({ restingHr: learned() }));
    expect(fhirProblems(bundle)).toEqual([]);
    const [obs, ...more] = baselineObservations(bundle);
    expect(more).toEqual([]);
    expect(obs).toMatchObject({
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '40443-4', display: 'Heart rate --resting' }] },
      effectivePeriod: { start: new Date(T0).toISOString(), end: new Date(T0 + 149 * MIN).toISOString() },
      valueQuantity: { value: 61, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      method: { coding: [{ system: 'urn:vigil:baseline-method', code: 'resting-ewm' }] },
      component: [
        {
          code: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-statistics', code: 'std-dev' }],
          },
          valueQuantity: { value: 2.45, code: '/min' },
        },
        { code: { coding: [{ code: 'count' }] }, valueInteger: 150 },
      ],
    });
    // A baseline is not a reading: the history import leaves it out.
    expect(importedPoints(bundle)).toEqual([{ ts: T0 + 149 * MIN, hr: 61 }]);
  });

  it('round-trips: export → import → export keeps the baseline', () => {
    const first = exportBundle(input({ restingHr: learned() }));
    const back = importedBaselines(first);
    expect(back.restingHr).toMatchObject({ mean: 61, firstTs: T0, lastTs: T0 + 149 * MIN, samples: 150 });
    expect(back.restingHr?.variance).toBeCloseTo(2.45 ** 2, 10);
    const again = exportBundle(input(back));
    expect(baselineObservations(again)).toEqual(baselineObservations(first));
  });

  it('reads only a baseline Vigil learned: not a hospital’s single resting measurement, not another unit', () => {
    const bundle = exportBundle(input({ restingHr: learned() }));
    const [obs] = baselineObservations(bundle);
    if (!obs) throw new Error('no baseline exported');
    const measured: Observation = { ...obs, method: { text: 'auscultation' } };
    expect(importedBaselines({ ...bundle, entry: [{ resource: measured }] })).toEqual({});
    const inHz: Observation = {
      ...obs,
      valueQuantity: { value: 1.02, unit: 'Hz', system: 'http://unitsofmeasure.org', code: 'Hz' },
    };
    expect(importedBaselines({ ...bundle, entry: [{ resource: inHz }] })).toEqual({});
    const draft: Observation = { ...obs, status: 'preliminary' };
    expect(importedBaselines({ ...bundle, entry: [{ resource: draft }] })).toEqual({});
  });

  it('exports none when nothing was learned', () => {
    expect(baselineObservations(exportBundle(input(undefined)))).toEqual([]);
    expect(importedBaselines(exportBundle(input({})))).toEqual({});
  });
});
