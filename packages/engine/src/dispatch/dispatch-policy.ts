import type { Alert, TaskKind, TaskRole } from '@vigil/contracts';

export interface TaskPlan {
  kind: TaskKind;
  role: TaskRole;
}

const ONSITE: TaskPlan = { kind: 'onsite_check', role: 'caregiver' };
const CONSULT: TaskPlan = { kind: 'remote_consult', role: 'medical' };
const MAINTENANCE: TaskPlan = { kind: 'facility_maintenance', role: 'maintenance' };

/**
 * Which tasks an alert needs (issue 4 "dispatch policy"):
 * - someone at the resident's side for SOS, falls, vital signs, NEWS2 and inactivity;
 * - the medical team for NEWS2 medium/high and for vital alerts at the critical tier (severe);
 * - maintenance for water, power, room temperature and a silent or offline room sensor; smoke also
 *   sends a caregiver, because residents must be moved;
 * - a caregiver for a wearable that went offline or silent at `medium` (the resident is unmonitored)
 *   or a battery about to die; `low` technical and awareness alerts stay on the board only.
 */
export function tasksFor(alert: Pick<Alert, 'kind' | 'priority' | 'residentId'>): TaskPlan[] {
  const k = alert.kind;
  if (k === 'vital.hr_baseline') return [];
  if (k === 'sos' || k === 'fall' || k === 'resident.inactivity') return [ONSITE];
  if (k === 'news2') return alert.priority === 'low' ? [ONSITE] : [ONSITE, CONSULT];
  if (k.startsWith('vital.')) return alert.priority === 'high' ? [ONSITE, CONSULT] : [ONSITE];
  if (k === 'facility.smoke') return [MAINTENANCE, ONSITE];
  if (k.startsWith('facility.')) return [MAINTENANCE];
  if (alert.priority === 'low') return [];
  if (k === 'device.offline' || k === 'device.no_data') return alert.residentId ? [ONSITE] : [MAINTENANCE];
  if (k === 'device.low_battery') return [ONSITE];
  return [];
}
