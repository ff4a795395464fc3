import { healthVisibleTo, type Resident, type Task, zonesCover } from '@vigil/contracts';
import type { AuthUser } from './auth-guard.ts';
import { inFacility } from './scope.ts';

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

/**
 * A consult's note (`Task.note` of a `remote_consult` about a resident) is the doctor's clinical finding:
 * health data like the context (issue 14). Other tasks' notes (an on-site check's remark, a decline
 * reason) are work notes and stay as they were.
 */
export function hasHealthNote(task: Task): boolean {
  return task.kind === 'remote_consult' && task.residentId !== undefined && task.note !== undefined;
}

/** Does the task carry resident health data (`context`, a consult note) at all? */
export function carriesHealth(task: Task): boolean {
  return task.residentId !== undefined && (task.context !== undefined || hasHealthNote(task));
}

/** The task without its health data: no `context`, no consult note. */
export function withoutHealth(task: Task): Task {
  const { context: _hidden, ...rest } = task;
  if (!hasHealthNote(task)) return rest;
  const { note: _note, ...bare } = rest;
  return bare;
}

/**
 * A task's `context` (the resident's latest vitals, NEWS2, trend) and a consult's note are resident
 * health data: they stay only for users the resident's consent lets see them (contract §4.3). A task
 * about no resident (a facility task) carries no health data; one whose resident is gone keeps none.
 */
export function withHealthConsent(
  user: AuthUser,
  task: Task,
  resident: Pick<Resident, 'id' | 'facilityId' | 'consent'> | undefined,
): Task {
  if (!carriesHealth(task)) return task;
  if (resident && canSeeHealth(user, resident)) return task;
  return withoutHealth(task);
}
