import type { Bundle, Observation, Patient, Quantity, Reference } from '@medplum/fhirtypes';
import type { BaselineState } from '@vigil/rules';
import { loincConcept, RESTING_HR_BASELINE, SYSTEMS, VITAL_SIGNS_CATEGORY } from './codes.ts';
import { stableUuid } from './ids.ts';

/**
 * The personal baselines a resident takes to another deployment (issue 15 item 4: "the new facility
 * starts with baselines instead of a blank resident"). Today the resting heart rate the rules learn
 * (`BaselineState`, packages/rules baseline.ts).
 */
export interface ExportedBaselines {
  restingHr?: BaselineState | undefined;
}

/** To two decimals: well under any clinical difference, and the same after a round trip (sd² then √). */
const round2 = (n: number) => Math.round(n * 100) / 100;
const iso = (ms: number) => new Date(ms).toISOString();
const STAT = (code: 'std-dev' | 'count', display: string) => ({
  coding: [{ system: SYSTEMS.observationStatistics, code, display }],
  text: display,
});
const perMinute = (value: number): Quantity => ({
  value,
  unit: RESTING_HR_BASELINE.ucum.unit,
  system: SYSTEMS.ucum,
  code: RESTING_HR_BASELINE.ucum.code,
});

/**
 * A learned resting heart rate as an Observation: LOINC 40443-4, `valueQuantity` the mean in /min,
 * `effectivePeriod` the device times of the first and latest reading learned from, the spread and
 * the count as components (FHIR statistic codes `std-dev`, `count`), and `method` saying it is a
 * learned baseline, not a measurement. No vital-signs profile is claimed: those describe one reading.
 */
export function restingHrBaselineObservation(
  residentId: string,
  b: BaselineState,
  subject: Reference<Patient>,
): Observation {
  const { method } = RESTING_HR_BASELINE;
  return {
    resourceType: 'Observation',
    id: stableUuid(residentId, 'baseline', 'hr-resting'),
    status: 'final',
    category: VITAL_SIGNS_CATEGORY,
    code: loincConcept([RESTING_HR_BASELINE.loinc], RESTING_HR_BASELINE.display),
    subject,
    effectivePeriod: { start: iso(b.firstTs), end: iso(b.lastTs) },
    valueQuantity: perMinute(round2(b.mean)),
    method: { coding: [method], text: method.display },
    component: [
      { code: STAT('std-dev', 'Standard Deviation'), valueQuantity: perMinute(round2(Math.sqrt(b.variance))) },
      ...(b.samples !== undefined ? [{ code: STAT('count', 'Count'), valueInteger: b.samples }] : []),
    ],
    note: [
      {
        text: 'Personal baseline learned by Vigil from resting readings (no steps for 5 min), exponentially weighted; not a single measurement.',
      },
    ],
  };
}

const statOf = (obs: Observation, code: string) =>
  obs.component?.find((c) => c.code.coding?.some((k) => k.system === SYSTEMS.observationStatistics && k.code === code));

/** A /min quantity's value, else undefined (another unit is not silently read as beats a minute). */
function perMinuteValue(q: Quantity | undefined): number | undefined {
  if (q?.value === undefined || q.system !== SYSTEMS.ucum || q.code !== RESTING_HR_BASELINE.ucum.code) return undefined;
  return Number.isFinite(q.value) ? q.value : undefined;
}

/** The learned baseline an observation carries, if it is one Vigil's export writes, else undefined. */
function baselineOf(obs: Observation): BaselineState | undefined {
  if (obs.status !== 'final' && obs.status !== 'amended') return undefined;
  const { loinc, method } = RESTING_HR_BASELINE;
  if (!obs.code.coding?.some((c) => c.system === SYSTEMS.loinc && c.code === loinc)) return undefined;
  if (!obs.method?.coding?.some((c) => c.system === method.system && c.code === method.code)) return undefined;
  const firstTs = Date.parse(obs.effectivePeriod?.start ?? '');
  const lastTs = Date.parse(obs.effectivePeriod?.end ?? '');
  const mean = perMinuteValue(obs.valueQuantity);
  const sd = perMinuteValue(statOf(obs, 'std-dev')?.valueQuantity);
  if (!(firstTs <= lastTs) || mean === undefined || mean <= 0 || sd === undefined || sd < 0) return undefined;
  const count = statOf(obs, 'count')?.valueInteger;
  return {
    mean,
    variance: sd * sd,
    firstTs,
    lastTs,
    ...(count !== undefined && Number.isInteger(count) && count > 0 && { samples: count }),
  };
}

/**
 * The personal baselines in a FHIR Bundle (as `exportBundle` writes them), for an import to seed the
 * resident's rule memory with. Of several, the one learned latest. Pure: validity against the
 * specification is `fhirProblems`'s to check first.
 */
export function importedBaselines(bundle: Bundle): ExportedBaselines {
  let restingHr: BaselineState | undefined;
  for (const entry of bundle.entry ?? []) {
    const r = entry.resource;
    if (r?.resourceType !== 'Observation') continue;
    const b = baselineOf(r);
    if (b && (!restingHr || b.lastTs > restingHr.lastTs)) restingHr = b;
  }
  return restingHr ? { restingHr } : {};
}
