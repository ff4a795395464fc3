import { signal } from '@preact/signals';
import type { Facility } from '@vigil/contracts';
import { api, asList, describeError } from './api.ts';
import { tCommon } from './i18n/common.ts';

/**
 * Zone names of the user's facilities (`GET /api/facilities`), so cards and tiles say "East Wing"
 * instead of the zone's id. Names are the facility's own words; a zone not (yet) known is said by id.
 */
export const zoneNames = signal<ReadonlyMap<string, string>>(new Map());

export async function loadZones(): Promise<void> {
  try {
    const facilities = asList<Facility>(await api<unknown>('GET', '/api/facilities'), 'facilities');
    zoneNames.value = new Map(facilities.flatMap((f) => f.zones.map((z) => [z.id, z.name] as const)));
  } catch (err) {
    // Names are a nicety: without them the board says "Zone east", and everything else still works.
    console.warn('vigil: zone names not loaded', describeError(err));
  }
}

/** "East Wing", or "Zone east" / "east 区" while the name is unknown. */
export function zoneText(zoneId: string): string {
  return zoneNames.value.get(zoneId) ?? tCommon('zone', { zone: zoneId });
}

export function resetZones(): void {
  zoneNames.value = new Map();
}
