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
