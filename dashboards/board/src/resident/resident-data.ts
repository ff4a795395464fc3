import { signal } from '@preact/signals';
import type { Consent, Resident } from '@vigil/contracts';
import { api, describeError } from '../api.ts';
import { loadVitals } from '../data.ts';
import { subscribeVitals } from '../live.ts';
import { session } from '../session.ts';
import { setResidents } from '../store.ts';

/** The signed-in resident's own record (contract §4.2 "own data"), with their consent (§4.3). */
export const ownRecord = signal<Resident | null>(null);
/** `unlinked`: the account has no resident record; `load`: the record could not be read just now. */
export const ownError = signal<'unlinked' | 'load' | null>(null);

/**
 * The resident's record, latest readings and live vitals: what `reloadAll` does for a resident, on
 * sign-in and whenever the socket (re)connects without a complete replay. The readings go into the
 * same store as the staff tiles' (store.ts `vitals`), so live `vitals` events update them too.
 */
export async function loadOwnRecord(): Promise<void> {
  const id = session.value?.user.residentId;
  if (!id) {
    ownError.value = 'unlinked';
    return;
  }
  try {
    const r = await api<Resident>('GET', `/api/residents/${encodeURIComponent(id)}`);
    ownRecord.value = r;
    setResidents([r]);
    ownError.value = null;
    subscribeVitals([id]);
    await loadVitals(id);
  } catch (err) {
    ownError.value = 'load';
    console.warn('vigil: own record not loaded', describeError(err));
  }
}

/** `PUT /api/residents/{id}/consent` with the one choice that changed; the answer is the record now. */
export async function setOwnConsent(change: Partial<Consent>): Promise<void> {
  const r = ownRecord.value;
  if (!r) return;
  const updated = await api<Resident>('PUT', `/api/residents/${encodeURIComponent(r.id)}/consent`, { body: change });
  const now = ownRecord.value;
  if (now?.id === updated.id) ownRecord.value = { ...now, consent: updated.consent };
}

export function resetOwnRecord(): void {
  ownRecord.value = null;
  ownError.value = null;
}
