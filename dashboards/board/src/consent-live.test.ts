import { DEFAULT_CONSENT, type Resident } from '@vigil/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { applyConsent } from './consent-live.ts';
import { ownRecord } from './resident/resident-data.ts';
import { session } from './session.ts';
import { appendHr, hrHistory, residents, resetStore, setLatestVitals, setResidents, vitals } from './store.ts';

const resident = (id: string): Resident => ({
  id,
  facilityId: 'f1',
  name: id,
  zoneId: 'z1',
  roomId: '1',
  carePlan: {},
  consent: { ...DEFAULT_CONSENT },
});
const signedInAs = (role: 'medical' | 'resident') => {
  session.value = {
    token: 't',
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    user: { id: 'u1', role, facilityIds: ['f1'], ...(role === 'resident' && { residentId: 'r1' }) },
  };
};

afterEach(() => {
  resetStore();
  ownRecord.value = null;
  session.value = null;
});

describe('applyConsent (the `consent` event)', () => {
  it('turns a tile to "not shared" for the role and forgets the values it showed', () => {
    signedInAs('medical');
    setResidents([resident('r1'), resident('r2')]);
    setLatestVitals({ residentId: 'r1', values: { hr: { v: 72, ts: Date.now() } } }, 'r1');
    appendHr('r1', [{ ts: Date.now(), hr: 72 }]);
    applyConsent({ residentId: 'r1', consent: { ...DEFAULT_CONSENT, medical: false } });
    expect(residents.value.get('r1')?.consent.medical).toBe(false);
    expect(vitals.value.has('r1')).toBe(false);
    expect(hrHistory.value.has('r1')).toBe(false);
    expect(residents.value.get('r2')?.consent.medical).toBe(true);
  });

  it('keeps the values when the change does not concern the role', () => {
    signedInAs('medical');
    setResidents([resident('r1')]);
    setLatestVitals({ residentId: 'r1', values: { hr: { v: 72, ts: Date.now() } } }, 'r1');
    applyConsent({ residentId: 'r1', consent: { ...DEFAULT_CONSENT, manager: true } });
    expect(residents.value.get('r1')?.consent.manager).toBe(true);
    expect(vitals.value.has('r1')).toBe(true);
  });

  it('updates the resident’s own switches when the change came from elsewhere (an admin)', () => {
    signedInAs('resident');
    ownRecord.value = resident('r1');
    applyConsent({ residentId: 'r1', consent: { ...DEFAULT_CONSENT, location: true } });
    expect(ownRecord.value?.consent.location).toBe(true);
    applyConsent({ residentId: 'r9', consent: { ...DEFAULT_CONSENT, caregiver: false } });
    expect(ownRecord.value?.consent.caregiver).toBe(true);
  });
});
