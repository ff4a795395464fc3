import type { Bundle, Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { type ExportInput, exportBundle } from './bundle.ts';
import { bundlePatients, importedPoints, residentIdOf } from './import.ts';
import type { HistoryPoint } from './stepping.ts';

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

const input = (points: readonly HistoryPoint[]): ExportInput => ({
  resident: { id: 'res-001', carePlan: { onOxygen: false } },
  devices: [{ id: 'wb-001', state: 'online' }],
  points,
  from: T0,
  to: T0 + 2 * MIN,
  stepMs: MIN,
  now: T0 + 2 * MIN,
});

describe('importedPoints: a FHIR bundle back into history (issue 15 item 4)', () => {
  it('gives back the last reading per vital per step, at its own time, merged by instant', () => {
    expect(importedPoints(exportBundle(input(POINTS)))).toEqual([
      { ts: T0, temp: 36.6 },
      { ts: T0 + 40_000, hr: 75, spo2: 95, rr: 16 },
      { ts: T0 + MIN + 10_000, sbp: 104, dbp: 66 },
      { ts: T0 + MIN + 40_000, hr: 121, spo2: 92, rr: 23 },
    ]);
  });

  it('round-trips: exporting the imported readings over the same window gives the same resources', () => {
    const first = exportBundle(input(POINTS));
    const again = exportBundle(input(importedPoints(first)));
    expect(again.entry).toEqual(first.entry);
  });

  it('reads a blood pressure panel with one half not measured as the half it has', () => {
    const bundle = exportBundle(input([{ ts: T0 + 5_000, dbp: 70 }]));
    expect(importedPoints(bundle)).toEqual([{ ts: T0 + 5_000, dbp: 70 }]);
  });

  it('leaves out a reading in another unit, a preliminary one, and NEWS2 scores', () => {
    const bundle: Bundle = exportBundle(input(POINTS));
    const obs = (bundle.entry ?? [])
      .map((e) => e.resource)
      .filter((r): r is Observation => r?.resourceType === 'Observation');
    const temp = obs.find((o) => o.code.coding?.some((c) => c.code === '8310-5'));
    if (temp?.valueQuantity) temp.valueQuantity = { ...temp.valueQuantity, unit: '[degF]', code: '[degF]' };
    const lastHr = obs.filter((o) => o.code.coding?.some((c) => c.code === '8867-4')).at(-1);
    if (lastHr) lastHr.status = 'preliminary';
    const points = importedPoints(bundle);
    expect(points.some((p) => p.temp !== undefined)).toBe(false);
    expect(points.at(-1)).toEqual({ ts: T0 + MIN + 40_000, spo2: 92, rr: 23 });
    expect(
      points.every((p) => Object.keys(p).every((k) => ['ts', 'hr', 'spo2', 'rr', 'temp', 'sbp', 'dbp'].includes(k))),
    ).toBe(true);
  });

  it('names the patient the bundle carries by its Vigil resident id', () => {
    const patients = bundlePatients(exportBundle(input([])));
    expect(patients.map(residentIdOf)).toEqual(['res-001']);
  });
});
