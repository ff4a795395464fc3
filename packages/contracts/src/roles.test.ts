import { describe, expect, it } from 'vitest';
import { DEFAULT_CONSENT } from './rest.ts';
import { healthVisibleTo, zonesCover } from './roles.ts';

describe('who sees a resident’s health data (contract §4.2–4.3)', () => {
  const resident = { id: 'r1', consent: DEFAULT_CONSENT };

  it('follows consent by role: care and medical by default, managers and admins only with consent', () => {
    expect(healthVisibleTo({ role: 'caregiver' }, resident)).toBe(true);
    expect(healthVisibleTo({ role: 'medical' }, resident)).toBe(true);
    expect(healthVisibleTo({ role: 'manager' }, resident)).toBe(false);
    expect(healthVisibleTo({ role: 'admin' }, resident)).toBe(false);
    const shared = { ...resident, consent: { ...DEFAULT_CONSENT, manager: true, caregiver: false } };
    expect(healthVisibleTo({ role: 'manager' }, shared)).toBe(true);
    expect(healthVisibleTo({ role: 'caregiver' }, shared)).toBe(false);
  });

  it('lets a resident see their own data only, whatever the consent says', () => {
    const none = { ...resident, consent: { caregiver: false, medical: false, manager: false, location: false } };
    expect(healthVisibleTo({ role: 'resident', residentId: 'r1' }, none)).toBe(true);
    expect(healthVisibleTo({ role: 'resident', residentId: 'r2' }, resident)).toBe(false);
  });

  it('limits caregivers with zones to those zones, and nobody else', () => {
    expect(zonesCover({ role: 'caregiver', zoneIds: ['east'] }, 'east')).toBe(true);
    expect(zonesCover({ role: 'caregiver', zoneIds: ['east'] }, 'west')).toBe(false);
    expect(zonesCover({ role: 'caregiver' }, 'west')).toBe(true);
    expect(zonesCover({ role: 'caregiver', zoneIds: [] }, 'west')).toBe(true);
    expect(zonesCover({ role: 'medical', zoneIds: ['east'] }, 'west')).toBe(true);
  });
});
