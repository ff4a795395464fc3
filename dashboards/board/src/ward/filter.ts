import type { WardEntry } from './urgency.ts';

/** The ward filter by state: what a carer wants to look at first. */
export const WARD_STATES = ['all', 'alerting', 'stale', 'not_worn'] as const;
export type WardState = (typeof WARD_STATES)[number];

/** `zone` is a zone id, or `all`. */
export interface WardFilter {
  zone: string;
  state: WardState;
}

export const DEFAULT_FILTER: WardFilter = { zone: 'all', state: 'all' };

export function inState(e: WardEntry, state: WardState): boolean {
  switch (state) {
    case 'all':
      return true;
    case 'alerting':
      return e.alert !== undefined;
    case 'stale':
      return e.stale;
    case 'not_worn':
      return e.notWorn;
  }
}

export const inZone = (e: WardEntry, zone: string): boolean => zone === 'all' || e.zoneId === zone;

/** Residents per zone (and `all`), whatever the state filter, so the zone choice shows its size. */
export function zoneCounts(entries: readonly WardEntry[]): Map<string, number> {
  const counts = new Map<string, number>([['all', entries.length]]);
  for (const e of entries) counts.set(e.zoneId, (counts.get(e.zoneId) ?? 0) + 1);
  return counts;
}

/** Residents per state within the chosen zone, so each state button says how many it would show. */
export function stateCounts(entries: readonly WardEntry[], zone: string): Record<WardState, number> {
  const inThisZone = entries.filter((e) => inZone(e, zone));
  return Object.fromEntries(WARD_STATES.map((s) => [s, inThisZone.filter((e) => inState(e, s)).length])) as Record<
    WardState,
    number
  >;
}

const STORAGE_KEY = 'vigil.ward.filter';

/** The filter this device last used; anything unreadable falls back to everyone. */
export function loadFilter(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): WardFilter {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    if (!raw) return DEFAULT_FILTER;
    const v = JSON.parse(raw) as Partial<WardFilter>;
    return {
      zone: typeof v.zone === 'string' && v.zone ? v.zone : 'all',
      state: (WARD_STATES as readonly unknown[]).includes(v.state) ? (v.state as WardState) : 'all',
    };
  } catch {
    return DEFAULT_FILTER; // storage blocked or garbage: start from everyone
  }
}

export function saveFilter(f: WardFilter, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage) {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(f));
  } catch {
    // not remembered on this device; the filter still applies now
  }
}
