import type { Observation, ObservationComponent, Patient, Quantity, Reference } from '@medplum/fhirtypes';
import {
  BP_CODES,
  loincConcept,
  NOT_MEASURED,
  profileUrl,
  type SingleVital,
  SYSTEMS,
  type UcumUnit,
  VITAL_CODES,
  VITAL_SIGNS_CATEGORY,
} from './codes.ts';
import { stableUuid } from './ids.ts';

const iso = (ms: number) => new Date(ms).toISOString();

const quantity = (value: number, unit: UcumUnit): Quantity => ({
  value,
  unit: unit.unit,
  system: SYSTEMS.ucum,
  code: unit.code,
});

/** Fields every exported vital-signs observation shares (FHIR vital-signs profile: status, category, subject, effective). */
function vitalSigns(id: string, profile: string, subject: Reference<Patient>, ts: number): Observation {
  return {
    resourceType: 'Observation',
    id,
    meta: { profile: [profileUrl('vitalsigns'), profileUrl(profile)] },
    status: 'final',
    category: VITAL_SIGNS_CATEGORY,
    code: { text: '' },
    subject,
    effectiveDateTime: iso(ts),
  };
}

/** One reading of heart rate, SpO2, respiration or temperature as a vital-signs Observation. */
export function vitalObservation(
  residentId: string,
  vital: SingleVital,
  reading: { v: number; ts: number },
  subject: Reference<Patient>,
): Observation {
  const c = VITAL_CODES[vital];
  return {
    ...vitalSigns(stableUuid(residentId, vital, reading.ts), c.profile, subject, reading.ts),
    code: loincConcept(c.loinc, c.display),
    valueQuantity: quantity(reading.v, c.ucum),
  };
}

/**
 * A blood pressure reading as the 85354-9 panel with its systolic and diastolic components; a half that
 * was not measured says so (`dataAbsentReason`), as the bp profile requires both components.
 */
export function bloodPressureObservation(
  residentId: string,
  bp: { sbp?: number; dbp?: number; ts: number },
  subject: Reference<Patient>,
): Observation {
  const component = (half: 'sbp' | 'dbp'): ObservationComponent => {
    const v = bp[half];
    return {
      code: loincConcept([BP_CODES[half].loinc], BP_CODES[half].display),
      ...(v === undefined ? { dataAbsentReason: NOT_MEASURED } : { valueQuantity: quantity(v, BP_CODES.ucum) }),
    };
  };
  return {
    ...vitalSigns(stableUuid(residentId, 'bp', bp.ts), BP_CODES.profile, subject, bp.ts),
    code: loincConcept([BP_CODES.panel.loinc], BP_CODES.panel.display),
    component: [component('sbp'), component('dbp')],
  };
}
