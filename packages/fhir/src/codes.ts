import type { News2Param } from '@vigil/contracts';
import type { CodeableConcept, Coding } from '@medplum/fhirtypes';

/** Where each code comes from (FHIR R4 terminology). */
export const SYSTEMS = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  ucum: 'http://unitsofmeasure.org',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  dataAbsentReason: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
  securityLabel: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  /** Vigil's own identifiers: a resident's and a device's id within one deployment. */
  resident: 'urn:vigil:resident',
  device: 'urn:vigil:device',
  /** NEWS2 sub-scores and risk levels: no standard code names them, so they are Vigil's (docs/api.md). */
  news2Parameter: 'urn:vigil:news2-parameter',
  news2Risk: 'urn:vigil:news2-risk',
  /** FHIR R4 statistic codes (StatisticsCode): a baseline's spread and count as components. */
  observationStatistics: 'http://terminology.hl7.org/CodeSystem/observation-statistics',
  /** How Vigil learns a personal baseline (docs/clinical-rules.md "Personal baseline"). */
  baselineMethod: 'urn:vigil:baseline-method',
} as const;

/** A UCUM unit as FHIR wants it: the printed unit and the UCUM code. */
export interface UcumUnit {
  readonly unit: string;
  readonly code: string;
}

/**
 * The vital-sign observations Vigil exports (clinical.md "Interop codes"): LOINC code, the FHIR
 * vital-signs profile it meets, and its UCUM unit. SpO2 carries 59408-5 (by pulse oximetry) beside
 * 2708-6, as the oxygensat profile asks. Blood pressure is one panel (below).
 */
export const VITAL_CODES = {
  hr: { loinc: ['8867-4'], display: 'Heart rate', profile: 'heartrate', ucum: { unit: '/min', code: '/min' } },
  spo2: {
    loinc: ['2708-6', '59408-5'],
    display: 'Oxygen saturation in Arterial blood',
    profile: 'oxygensat',
    ucum: { unit: '%', code: '%' },
  },
  rr: { loinc: ['9279-1'], display: 'Respiratory rate', profile: 'resprate', ucum: { unit: '/min', code: '/min' } },
  temp: { loinc: ['8310-5'], display: 'Body temperature', profile: 'bodytemp', ucum: { unit: 'Cel', code: 'Cel' } },
} as const satisfies Record<string, { loinc: readonly string[]; display: string; profile: string; ucum: UcumUnit }>;

/** The vitals exported as single-valued observations. */
export type SingleVital = keyof typeof VITAL_CODES;
export const SINGLE_VITALS = Object.keys(VITAL_CODES) as readonly SingleVital[];

/** Blood pressure: one 85354-9 panel, systolic 8480-6 and diastolic 8462-4 as its two components. */
export const BP_CODES = {
  panel: { loinc: '85354-9', display: 'Blood pressure panel with all children optional' },
  sbp: { loinc: '8480-6', display: 'Systolic blood pressure' },
  dbp: { loinc: '8462-4', display: 'Diastolic blood pressure' },
  ucum: { unit: 'mmHg', code: 'mm[Hg]' },
  profile: 'bp',
} as const;

/**
 * A personal resting heart-rate baseline (issue 15): LOINC 40443-4 "Heart rate --resting", in /min,
 * marked as learned by its `method` (the importer reads only observations with this method: a
 * hospital's single resting measurement is not a baseline).
 */
export const RESTING_HR_BASELINE = {
  loinc: '40443-4',
  display: 'Heart rate --resting',
  ucum: VITAL_CODES.hr.ucum,
  method: {
    system: SYSTEMS.baselineMethod,
    code: 'resting-ewm',
    display: 'Personal baseline: exponentially weighted mean of resting readings',
  },
} as const;

/** NEWS2 total score (SNOMED CT), as contract §4.4 names it. */
export const NEWS2_CODE: Coding = {
  system: SYSTEMS.snomed,
  code: '1104051000000101',
  display: 'Royal College of Physicians National Early Warning Score 2 (NEWS2) total score',
};

/** One component per NEWS2 parameter, in chart 1 order. */
export const NEWS2_PARAMETER_DISPLAY: Readonly<Record<News2Param, string>> = {
  rr: 'Respiration rate score',
  spo2: 'Oxygen saturation score',
  air: 'Air or oxygen score',
  sbp: 'Systolic blood pressure score',
  hr: 'Pulse score',
  consciousness: 'Consciousness score',
  temp: 'Temperature score',
};

export const VITAL_SIGNS_CATEGORY: CodeableConcept[] = [
  { coding: [{ system: SYSTEMS.observationCategory, code: 'vital-signs', display: 'Vital Signs' }] },
];
export const SURVEY_CATEGORY: CodeableConcept[] = [
  { coding: [{ system: SYSTEMS.observationCategory, code: 'survey', display: 'Survey' }] },
];

/** What stands in for a value that was not measured (a partial NEWS2's missing parameter). */
export const NOT_MEASURED: CodeableConcept = {
  coding: [{ system: SYSTEMS.dataAbsentReason, code: 'not-performed', display: 'Not Performed' }],
};

export const profileUrl = (name: string) => `http://hl7.org/fhir/StructureDefinition/${name}`;

export const loincConcept = (codes: readonly string[], display: string): CodeableConcept => ({
  coding: codes.map((code, i) => ({ system: SYSTEMS.loinc, code, ...(i === 0 && { display }) })),
  text: display,
});
