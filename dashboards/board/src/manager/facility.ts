import { signal } from '@preact/signals';
import type { Facility } from '@vigil/contracts';
import { api, asList } from '../api.ts';

/**
 * The facility the manager board shows: the user's first one (a manager usually has one). An
 * administrator who belongs to none sees the first facility there is.
 */
export const boardFacility = signal<string | null>(null);

export async function pickFacility(facilityIds: readonly string[]): Promise<void> {
  const own = facilityIds[0];
  if (own !== undefined) {
    boardFacility.value = own;
    return;
  }
  const all = asList<Facility>(await api<unknown>('GET', '/api/facilities'), 'facilities');
  boardFacility.value = all[0]?.id ?? null;
}
