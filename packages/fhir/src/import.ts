import type { Bundle, Observation, Patient, Quantity } from '@medplum/fhirtypes';
import { BP_CODES, SINGLE_VITALS, type SingleVital, SYSTEMS, VITAL_CODES } from './codes.ts';
import type { HistoryPoint } from './stepping.ts';

/** The UCUM code each vital is read in (the export's, clinical.md): a reading in another unit is left out. */
const UNIT_OF: Readonly<Record<SingleVital | 'bp', string>> = {
  hr: VITAL_CODES.hr.ucum.code,
  spo2: VITAL_CODES.spo2.ucum.code,
  rr: VITAL_CODES.rr.ucum.code,
  temp: VITAL_CODES.temp.ucum.code,
  bp: BP_CODES.ucum.code,
};

const hasLoinc = (codes: readonly { system?: string; code?: string }[] | undefined, code: string) =>
  (codes ?? []).some((c) => c.system === SYSTEMS.loinc && c.code === code);

/** A quantity's value when it is in the expected UCUM unit, else undefined. */
function valueIn(q: Quantity | undefined, ucum: string): number | undefined {
  if (q?.value === undefined || q.system !== SYSTEMS.ucum || q.code !== ucum) return undefined;
  return q.value;
}

/** The vital an observation measures, by its first LOINC code (the export codes SpO2 with 59408-5 beside it). */
function vitalOf(obs: Observation): SingleVital | 'bp' | undefined {
  const coding = obs.code.coding;
  if (hasLoinc(coding, BP_CODES.panel.loinc)) return 'bp';
  return SINGLE_VITALS.find((v) => hasLoinc(coding, VITAL_CODES[v].loinc[0]));
}

/**
 * The vital-sign readings of a FHIR R4 Bundle (as `exportBundle` writes it) as history points, in time
 * order, readings taken at the same instant merged into one point: heart rate, SpO2, respiration and
 * temperature by their LOINC codes, blood pressure from the 85354-9 panel's 8480-6 and 8462-4 components.
 * Only final or amended vital-signs observations with an `effectiveDateTime` and a value in the unit
 * the export uses are read; NEWS2 observations are not (a NEWS2 score is recomputed from the vitals,
 * never stored). Pure: validity against the specification is `fhirProblems`'s to check first.
 */
export function importedPoints(bundle: Bundle): HistoryPoint[] {
  const byTs = new Map<number, HistoryPoint>();
  const at = (ts: number) => {
    let p = byTs.get(ts);
    if (!p) {
      p = { ts };
      byTs.set(ts, p);
    }
    return p;
  };
  for (const entry of bundle.entry ?? []) {
    const obs = entry.resource;
    if (obs?.resourceType !== 'Observation' || (obs.status !== 'final' && obs.status !== 'amended')) continue;
    const ts = obs.effectiveDateTime === undefined ? Number.NaN : Date.parse(obs.effectiveDateTime);
    const vital = vitalOf(obs);
    if (!vital || !Number.isFinite(ts)) continue;
    if (vital === 'bp') {
      const half = (loinc: string) =>
        valueIn(obs.component?.find((c) => hasLoinc(c.code.coding, loinc))?.valueQuantity, UNIT_OF.bp);
      const sbp = half(BP_CODES.sbp.loinc);
      const dbp = half(BP_CODES.dbp.loinc);
      if (sbp === undefined && dbp === undefined) continue;
      Object.assign(at(ts), sbp !== undefined && { sbp }, dbp !== undefined && { dbp });
      continue;
    }
    const v = valueIn(obs.valueQuantity, UNIT_OF[vital]);
    if (v !== undefined) at(ts)[vital] = v;
  }
  return [...byTs.values()].sort((a, b) => a.ts - b.ts);
}

/** The bundle's patients (an import carries exactly one). */
export const bundlePatients = (bundle: Bundle): Patient[] =>
  (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Patient => r?.resourceType === 'Patient');

/** The Vigil resident id a patient carries (`urn:vigil:resident`), if any. */
export const residentIdOf = (patient: Patient): string | undefined =>
  patient.identifier?.find((i) => i.system === SYSTEMS.resident)?.value;
