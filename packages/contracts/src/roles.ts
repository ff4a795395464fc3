import { z } from 'zod';

/** Roles of contract §4.2 (least privilege). */
export const ROLES = ['admin', 'manager', 'caregiver', 'medical', 'resident'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** The resident's choices that decide who sees their health data (contract §4.3). */
interface HealthConsent {
  caregiver: boolean;
  medical: boolean;
  manager: boolean;
}

/**
 * Whether a staff role may see a resident's health data under the resident's consent (contract §4.3):
 * caregivers and medical staff by default, managers and admins only with the manager consent.
 * The gateway enforces it; the board asks the same question to say "not shared" instead of failing.
 */
export function consentCovers(role: Role, consent: HealthConsent): boolean {
  switch (role) {
    case 'caregiver':
      return consent.caregiver;
    case 'medical':
      return consent.medical;
    case 'manager':
    case 'admin':
      return consent.manager;
    case 'resident':
      return false; // a resident sees only their own data, decided by identity, not consent
  }
}

/** A caregiver with zones watches the vitals of residents in those zones only (contract §4.2). */
export function zonesCover(user: { role: Role; zoneIds?: readonly string[] | undefined }, zoneId: string): boolean {
  return !(user.role === 'caregiver' && user.zoneIds?.length && !user.zoneIds.includes(zoneId));
}
