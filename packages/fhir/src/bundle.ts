import type { Bundle, BundleEntry, Device, Observation, Patient, Reference, Resource } from '@medplum/fhirtypes';
import type { DeviceProfile, DeviceState } from '@vigil/contracts';
import { type LatestReadings, news2FromLatest, type Spo2Scale } from '@vigil/rules';
import { type ExportedBaselines, restingHrBaselineObservation } from './baseline-observation.ts';
import { SINGLE_VITALS, SYSTEMS } from './codes.ts';
import { stableUuid, urnOf } from './ids.ts';
import { news2Observation } from './news2-observation.ts';
import { bloodPressureObservation, vitalObservation } from './observations.ts';
import { type HistoryPoint, toSteps } from './stepping.ts';

export interface ExportInput {
  resident: { id: string; carePlan: { spo2Scale?: Spo2Scale | undefined; onOxygen?: boolean | undefined } };
  /** The resident's devices (wearables): exported as `Device`s of the patient. */
  devices: readonly { id: string; profile?: DeviceProfile | undefined; state: DeviceState }[];
  /** History in time order (`VitalsHistory.range`). */
  points: readonly HistoryPoint[];
  from: number;
  to: number;
  stepMs: number;
  /** When the export was made (`Bundle.timestamp`). */
  now: number;
  /** The personal baselines the rules hold now (issue 15), whatever the window: they travel too. */
  baselines?: ExportedBaselines | undefined;
}

const DEVICE_TYPE: Readonly<Record<DeviceProfile, string>> = {
  wristband: 'Wrist-worn vital signs monitor',
  cuff: 'Blood pressure cuff',
  thermometer: 'Thermometer',
};

/**
 * A resident's vitals as a FHIR R4 `collection` Bundle (contract §4.4): the resident as a pseudonymous
 * Patient (Vigil's id only: no name, address or telecom; labelled PSEUDED), their devices, at most one
 * vital-signs Observation per vital per step (the last reading), and per step a NEWS2 Observation scored
 * as the engine scores it live (each parameter only while fresh), derived from the observations it used;
 * and the personal baselines learned for the resident (baseline-observation.ts), so that an importer
 * starts with them.
 * Ids are stable, so the same window exported twice gives the same resources.
 */
export function exportBundle(input: ExportInput): Bundle {
  const { resident } = input;
  const patientId = stableUuid(resident.id, 'patient');
  const subject: Reference<Patient> = { reference: urnOf(patientId) };
  const resources: Resource[] = [patient(resident.id, patientId)];
  for (const d of input.devices) resources.push(device(d, subject));
  const restingHr = input.baselines?.restingHr;
  if (restingHr) resources.push(restingHrBaselineObservation(resident.id, restingHr, subject));

  // Running latest readings, each with the id of the observation that exported it.
  const latest: LatestReadings = { values: {} };
  const source: Partial<Record<'hr' | 'spo2' | 'rr' | 'temp' | 'sbp', string>> = {};
  for (const step of toSteps(input.points, input.from, input.to, input.stepMs)) {
    const exported: Observation[] = [];
    for (const vital of SINGLE_VITALS) {
      const reading = step.last[vital];
      if (!reading) continue;
      const obs = vitalObservation(resident.id, vital, reading, subject);
      exported.push(obs);
      latest.values[vital] = reading;
      source[vital] = obs.id;
    }
    if (step.bp) {
      const obs = bloodPressureObservation(resident.id, step.bp, subject);
      exported.push(obs);
      if (step.bp.sbp !== undefined) {
        latest.values.sbp = { v: step.bp.sbp, ts: step.bp.ts };
        source.sbp = obs.id;
      }
    }
    for (const p of step.points) {
      if (p.consciousness !== undefined) latest.consciousness = { v: p.consciousness, ts: p.ts };
      if (p.onOxygen !== undefined) latest.onOxygen = { v: p.onOxygen, ts: p.ts };
    }
    if (exported.length === 0) continue;
    resources.push(...exported);

    const at = Math.max(...exported.map((o) => Date.parse(o.effectiveDateTime as string)));
    const news2 = news2FromLatest(latest, resident.carePlan, at);
    // The observations whose values the score used: the parameters it has a sub-score for.
    const used = (['rr', 'spo2', 'sbp', 'hr', 'temp'] as const).filter((p) => news2.subscores[p] !== undefined);
    const derivedFrom: Reference<Observation>[] = [
      ...new Set(used.map((p) => source[p]).filter((id) => id !== undefined)),
    ].map((id) => ({
      reference: urnOf(id),
    }));
    resources.push(news2Observation(resident.id, news2, at, subject, derivedFrom));
  }

  return {
    resourceType: 'Bundle',
    id: stableUuid(resident.id, 'bundle', input.from, input.to, input.stepMs, input.now),
    type: 'collection',
    timestamp: new Date(input.now).toISOString(),
    entry: resources.map((resource): BundleEntry => ({ fullUrl: urnOf(resource.id as string), resource })),
  };
}

function patient(residentId: string, id: string): Patient {
  return {
    resourceType: 'Patient',
    id,
    meta: { security: [{ system: SYSTEMS.securityLabel, code: 'PSEUDED', display: 'pseudonymized' }] },
    identifier: [{ system: SYSTEMS.resident, value: residentId }],
  };
}

function device(d: ExportInput['devices'][number], subject: Reference<Patient>): Device {
  const profile = d.profile ?? 'wristband';
  return {
    resourceType: 'Device',
    id: stableUuid(d.id, 'device'),
    identifier: [{ system: SYSTEMS.device, value: d.id }],
    status: d.state === 'decommissioned' ? 'inactive' : 'active',
    type: { text: DEVICE_TYPE[profile] },
    patient: subject,
  };
}
