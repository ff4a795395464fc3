import type { Observation, ObservationComponent, Patient, Reference } from '@medplum/fhirtypes';
import { NEWS2_PARAMS, type News2, type News2Param } from '@vigil/contracts';
import { NEWS2_CODE, NEWS2_PARAMETER_DISPLAY, NOT_MEASURED, SURVEY_CATEGORY, SYSTEMS } from './codes.ts';
import { stableUuid } from './ids.ts';

const RISK_DISPLAY: Readonly<Record<News2['risk'], string>> = {
  low: 'Low clinical risk',
  low_medium: 'Low-medium clinical risk (a single red score)',
  medium: 'Medium clinical risk',
  high: 'High clinical risk',
};

/**
 * NEWS2 as contract §4.4 wants it: the total as `valueInteger`, one component per chart 1 parameter
 * (a parameter with no fresh reading marked not measured, so a partial score says which), the risk
 * band, and `derivedFrom` the vital-sign observations it was scored from.
 */
export function news2Observation(
  residentId: string,
  news2: News2,
  atMs: number,
  subject: Reference<Patient>,
  derivedFrom: Reference<Observation>[],
): Observation {
  const component: ObservationComponent[] = NEWS2_PARAMS.map((p: News2Param) => {
    const sub = news2.subscores[p];
    return {
      code: { coding: [{ system: SYSTEMS.news2Parameter, code: p, display: NEWS2_PARAMETER_DISPLAY[p] }] },
      ...(sub === undefined ? { dataAbsentReason: NOT_MEASURED } : { valueInteger: sub }),
    };
  });
  component.push({
    code: { coding: [{ system: SYSTEMS.news2Parameter, code: 'risk', display: 'Clinical risk' }] },
    valueCodeableConcept: {
      coding: [{ system: SYSTEMS.news2Risk, code: news2.risk, display: RISK_DISPLAY[news2.risk] }],
      text: RISK_DISPLAY[news2.risk],
    },
  });
  return {
    resourceType: 'Observation',
    id: stableUuid(residentId, 'news2', atMs),
    status: 'final',
    category: SURVEY_CATEGORY,
    code: { coding: [NEWS2_CODE], text: 'NEWS2' },
    subject,
    effectiveDateTime: new Date(atMs).toISOString(),
    valueInteger: news2.score,
    component,
    ...(derivedFrom.length > 0 && { derivedFrom }),
    ...(news2.partial && {
      note: [
        { text: `Partial score: ${news2.missing.map((p) => NEWS2_PARAMETER_DISPLAY[p]).join(', ')} not measured` },
      ],
    }),
  };
}
