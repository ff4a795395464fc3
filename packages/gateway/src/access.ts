import {
  type Alert,
  type Consent,
  healthVisibleTo,
  type LoggedEvent,
  type Resident,
  type Task,
  zonesCover,
} from '@vigil/contracts';
import { type AuthUser, inFacility } from './auth-guard.ts';

/**
 * Health data (vitals, history, reports) under consent (contract §4.3): caregivers and medical staff
 * by default, managers and admins only with the manager consent; a resident always sees their own.
 */
export function canSeeHealth(user: AuthUser, resident: Pick<Resident, 'id' | 'facilityId' | 'consent'>): boolean {
  return inFacility(user, resident.facilityId) && healthVisibleTo(user, resident);
}

/**
 * Vitals (live and history) of one resident: health consent, and for a caregiver with zones only the
 * residents of those zones (contract §4.2 role table). REST and Socket.IO both ask this one question.
 */
export function canSeeVitals(
  user: AuthUser,
  resident: Pick<Resident, 'id' | 'facilityId' | 'consent' | 'zoneId'>,
): boolean {
  return canSeeHealth(user, resident) && zonesCover(user, resident.zoneId);
}

/** Location is shown only under the resident's separate location consent (contract §1.2, §4.3). */
export function withLocationConsent(alert: Alert, consent: Consent | undefined): Alert {
  if (alert.location === undefined || (alert.residentId !== undefined && consent?.location)) return alert;
  // Facility alerts (no resident) carry a place in the building, not a person's whereabouts.
  if (alert.residentId === undefined) return alert;
  const { location: _hidden, ...rest } = alert;
  return rest;
}

/**
 * Whether an alert is in the user's view inside a facility the user belongs to (contract §4.2):
 * a resident sees only alerts about themself; a caregiver with zones sees alerts of those zones and
 * alerts without a zone (facility-wide ones); maintenance staff see only facility alerts (no
 * resident: water, power, smoke, room sensors), never an alert about a person.
 */
export function alertInView(user: AuthUser, alert: Pick<Alert, 'residentId' | 'zoneId'>): boolean {
  if (user.role === 'resident') return alert.residentId !== undefined && alert.residentId === user.residentId;
  if (user.role === 'maintenance') return alert.residentId === undefined;
  if (user.role === 'caregiver' && user.zoneIds?.length) {
    return alert.zoneId === undefined || user.zoneIds.includes(alert.zoneId);
  }
  return true;
}

/** Which role takes each kind of task (contract §3.2); a user of that role sees the kind's tasks. */
const TASK_ROLE_OF_USER: Partial<Record<AuthUser['role'], Task['role']>> = {
  caregiver: 'caregiver',
  medical: 'medical',
  maintenance: 'maintenance',
};

/**
 * Whether a task is in the user's view inside a facility the user belongs to (contract §4.2): admins
 * and managers see every task; caregivers, medical and maintenance staff their own tasks and those of
 * their role (a caregiver with zones: of those zones and without a zone, as for alerts); residents none.
 */
export function taskInView(user: AuthUser, task: Pick<Task, 'role' | 'assigneeId' | 'zoneId'>): boolean {
  if (user.role === 'admin' || user.role === 'manager') return true;
  if (task.assigneeId !== undefined && task.assigneeId === user.id) return true;
  if (TASK_ROLE_OF_USER[user.role] !== task.role) return false;
  return !(user.role === 'caregiver' && user.zoneIds?.length && task.zoneId && !user.zoneIds.includes(task.zoneId));
}

/**
 * A task's `context` (the resident's latest vitals, NEWS2, trend) is resident health data: it stays
 * only for users the resident's consent lets see it (contract §4.3). A task about no resident (a
 * facility task) carries no health data; one whose resident is gone keeps none.
 */
export function withHealthConsent(
  user: AuthUser,
  task: Task,
  resident: Pick<Resident, 'id' | 'facilityId' | 'consent'> | undefined,
): Task {
  if (task.context === undefined || task.residentId === undefined) return task;
  if (resident && canSeeHealth(user, resident)) return task;
  const { context: _hidden, ...rest } = task;
  return rest;
}

/** Which logged events a socket of this user receives (contract §2 "only what its user may see"). */
export function canSeeEvent(user: AuthUser, e: LoggedEvent): boolean {
  if (!inFacility(user, e.envelope.facilityId)) return false;
  switch (e.event) {
    case 'alert':
      return alertInView(user, e.envelope.data);
    case 'device':
      // Residents see their own device's state (battery, worn) as part of "own data"; maintenance
      // staff the room sensors only (a wearable's state is about a person).
      if (user.role === 'resident') return e.envelope.data.residentId === user.residentId;
      if (user.role === 'maintenance') return e.envelope.data.residentId === undefined;
      return true;
    case 'task':
      return taskInView(user, e.envelope.data);
    case 'sla':
      // SLA warnings and reports are a manager's view (contract §4.2).
      return user.role === 'admin' || user.role === 'manager';
  }
}
