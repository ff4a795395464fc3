import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTER, inState, loadFilter, saveFilter, stateCounts, zoneCounts } from './filter.ts';
import type { WardEntry } from './urgency.ts';

function entry(id: string, over: Partial<WardEntry> = {}): WardEntry {
  return {
    id,
    name: id,
    roomId: '1',
    zoneId: 'east',
    alert: undefined,
    highAlertIds: [],
    risk: undefined,
    stale: false,
    notWorn: false,
    ...over,
  };
}

const ward = [
  entry('a', { alert: 'high' }),
  entry('b', { stale: true }),
  entry('c', { zoneId: 'west', notWorn: true, stale: true }),
  entry('d', { zoneId: 'west', alert: 'low' }),
  entry('e', { zoneId: 'west' }),
];

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: () => null,
    get length() {
      return m.size;
    },
  };
}

describe('ward filter', () => {
  it('counts residents per zone', () => {
    expect(Object.fromEntries(zoneCounts(ward))).toEqual({ all: 5, east: 2, west: 3 });
  });

  it('counts each state within the chosen zone', () => {
    expect(stateCounts(ward, 'all')).toEqual({ all: 5, alerting: 2, stale: 2, not_worn: 1 });
    expect(stateCounts(ward, 'west')).toEqual({ all: 3, alerting: 1, stale: 1, not_worn: 1 });
    expect(stateCounts(ward, 'nowhere')).toEqual({ all: 0, alerting: 0, stale: 0, not_worn: 0 });
  });

  it('tells which state a resident is in', () => {
    expect(inState(entry('x', { alert: 'medium' }), 'alerting')).toBe(true);
    expect(inState(entry('x'), 'alerting')).toBe(false);
    expect(inState(entry('x', { notWorn: true }), 'not_worn')).toBe(true);
  });

  it('remembers the choice on this device and survives garbage', () => {
    const storage = memoryStorage();
    expect(loadFilter(storage)).toEqual(DEFAULT_FILTER);
    saveFilter({ zone: 'west', state: 'stale' }, storage);
    expect(loadFilter(storage)).toEqual({ zone: 'west', state: 'stale' });
    storage.setItem('vigil.ward.filter', '{"zone": 3, "state": "asleep"}');
    expect(loadFilter(storage)).toEqual(DEFAULT_FILTER);
    storage.setItem('vigil.ward.filter', 'not json');
    expect(loadFilter(storage)).toEqual(DEFAULT_FILTER);
    const blocked = {
      getItem: () => {
        throw new Error('blocked');
      },
    };
    expect(loadFilter(blocked)).toEqual(DEFAULT_FILTER);
  });
});
