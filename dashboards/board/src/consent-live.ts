import { type ConsentChangedData, healthVisibleTo, type Resident } from '@vigil/contracts';
import { api, asList, describeError } from './api.ts';
import { loadVitals } from './data.ts';
import { subscribeVitals } from './live.ts';
import { loadOwnRecord, ownRecord } from './resident/resident-data.ts';
import { session } from './session.ts';
import { hrHistory, residents, vitals } from './store.ts';

/**
 * A resident's consent changed (extension `consent`, issue 14): the board shows their vitals or
 * "not shared" at once, without a reload. The gateway has already left the live stream the consent no
 * longer covers; the board asks again for the ones it covers now, reads the latest values of a resident
 * who just shared, and forgets the values of one who stopped (they must not linger in memory).
 */
export function applyConsent(d: ConsentChangedData): void {
  const own = ownRecord.value;
  if (own?.id === d.residentId) ownRecord.value = { ...own, consent: d.consent };
  const user = session.value?.user;
  const before = residents.value.get(d.residentId);
  if (!user || user.role === 'resident' || !before) return;
  const after: Resident = { ...before, consent: d.consent };
  const m = new Map(residents.value);
  m.set(after.id, after);
  residents.value = m;
  const wasShared = healthVisibleTo(user, before);
  const isShared = healthVisibleTo(user, after);
  if (wasShared === isShared) return;
  subscribeVitals([...residents.value.values()].filter((r) => healthVisibleTo(user, r)).map((r) => r.id));
  if (isShared) void loadVitals(after.id);
  else forgetVitals(after.id);
}

function forgetVitals(residentId: string): void {
  if (vitals.value.has(residentId)) {
    const v = new Map(vitals.value);
    v.delete(residentId);
    vitals.value = v;
  }
  if (hrHistory.value.has(residentId)) {
    const h = new Map(hrHistory.value);
    h.delete(residentId);
    hrHistory.value = h;
  }
}

/**
 * `consent` events are not replayed: after a reconnect the board reads the residents' consent again
 * (one request per facility, not the vitals of everyone) and applies what changed meanwhile.
 */
export async function refreshConsent(): Promise<void> {
  const user = session.value?.user;
  if (!user) return;
  if (user.role === 'resident') return loadOwnRecord();
  try {
    const lists = await Promise.all(
      user.facilityIds.map(async (f) =>
        asList<Resident>(await api<unknown>('GET', `/api/residents?facilityId=${encodeURIComponent(f)}`), 'residents'),
      ),
    );
    for (const r of lists.flat()) {
      const known = residents.value.get(r.id);
      if (known && JSON.stringify(known.consent) !== JSON.stringify(r.consent))
        applyConsent({ residentId: r.id, consent: r.consent });
    }
  } catch (err) {
    console.warn('vigil: consent not refreshed after reconnecting', describeError(err));
  }
}
