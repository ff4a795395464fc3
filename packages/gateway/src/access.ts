import {
  type Alert,
  type Consent,
  healthVisibleTo,
  type LoggedEvent,
  type Resident,
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
 * alerts without a zone (facility-wide ones).
 */
export function alertInView(user: AuthUser, alert: Pick<Alert, 'residentId' | 'zoneId'>): boolean {
  if (user.role === 'resident') return alert.residentId !== undefined && alert.residentId === user.residentId;
  if (user.role === 'caregiver' && user.zoneIds?.length) {
    return alert.zoneId === undefined || user.zoneIds.includes(alert.zoneId);
  }
  return true;
}

/** Which logged events a socket of this user receives (contract §2 "only what its user may see"). */
export function canSeeEvent(user: AuthUser, e: LoggedEvent): boolean {
  if (!inFacility(user, e.envelope.facilityId)) return false;
  switch (e.event) {
    case 'alert':
      return alertInView(user, e.envelope.data);
    case 'device':
      // Residents see their own device's state (battery, worn) as part of "own data".
      return user.role !== 'resident' || e.envelope.data.residentId === user.residentId;
    case 'task': {
      const t = e.envelope.data;
      if (user.role === 'admin' || user.role === 'manager') return true;
      // Caregivers and medical staff see their own tasks and the open ones of their role (§4.2).
      return (
        (user.role === 'caregiver' || user.role === 'medical') && (t.assigneeId === user.id || t.role === user.role)
      );
    }
    case 'sla':
      // SLA warnings and reports are a manager's view (contract §4.2).
      return user.role === 'admin' || user.role === 'manager';
  }
}
