import { z } from 'zod';

/**
 * Roles of contract §4.2 (least privilege), plus `maintenance`: the staff who take
 * `facility_maintenance` tasks (water, power, smoke); they see facility alerts, never health data.
 */
export const ROLES = ['admin', 'manager', 'caregiver', 'medical', 'resident', 'maintenance'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** The resident's choices that decide who sees their health data (contract §4.3). */
interface HealthConsent {
  caregiver: boolean;
  medical: boolean;
  manager: boolean;
}

interface Viewer {
  role: Role;
  residentId?: string | undefined;
  zoneIds?: readonly string[] | undefined;
}

/**
 * Whether a user may see a resident's health data (contract §4.3): a resident their own; caregivers and
 * medical staff by default; managers and admins only with the manager consent. Facility membership is
 * the gateway's check; this is the rest, so the board can ask the same question and say "not shared".
 */
export function healthVisibleTo(user: Viewer, resident: { id: string; consent: HealthConsent }): boolean {
  switch (user.role) {
    case 'resident':
      return user.residentId === resident.id;
    case 'caregiver':
      return resident.consent.caregiver;
    case 'medical':
      return resident.consent.medical;
    case 'manager':
    case 'admin':
      return resident.consent.manager;
    case 'maintenance':
      return false;
  }
}

/** A caregiver with zones watches the vitals of residents in those zones only (contract §4.2). */
export function zonesCover(user: Viewer, zoneId: string): boolean {
  return !(user.role === 'caregiver' && user.zoneIds?.length && !user.zoneIds.includes(zoneId));
}
