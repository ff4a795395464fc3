import { signal } from '@preact/signals';
import { api, describeError } from '../api.ts';

/** Zone names by id, so the filter says "East wing" rather than an id. */
export const zoneNames = signal<ReadonlyMap<string, string>>(new Map());

interface FacilityBody {
  zones?: { id: string; name: string }[];
}

export async function loadZoneNames(facilityIds: readonly string[]): Promise<void> {
  const names = new Map<string, string>();
  await Promise.all(
    facilityIds.map(async (f) => {
      try {
        const body = await api<FacilityBody>('GET', `/api/facilities/${encodeURIComponent(f)}`);
        for (const z of body.zones ?? []) names.set(z.id, z.name);
      } catch (err) {
        // Names only: without them the filter shows the zone ids, and everything else works.
        console.warn('vigil: zone names not loaded', f, describeError(err));
      }
    }),
  );
  zoneNames.value = names;
}

export const zoneName = (id: string): string => zoneNames.value.get(id) ?? id;
