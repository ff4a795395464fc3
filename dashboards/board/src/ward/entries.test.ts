import { DEFAULT_CONSENT, type Resident } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { sparkPoints } from './HrSparkline.tsx';
import { toEntry } from './entries.ts';

const NOW = 10_000_000;
const ada = {
  id: 'r1',
  facilityId: 'f',
  name: 'Ada',
  zoneId: 'east',
  roomId: '12',
  consent: DEFAULT_CONSENT,
} as unknown as Resident;

describe('ward entry', () => {
  it('is stale after two minutes without a wearable reading, and when there was none', () => {
    const fresh = { residentId: 'r1', values: { hr: { v: 70, ts: NOW - 60_000 } } };
    const old = { residentId: 'r1', values: { hr: { v: 70, ts: NOW - 3 * 60_000 }, sbp: { v: 120, ts: NOW } } };
    expect(toEntry(ada, fresh, [], NOW, { role: 'caregiver' }).stale).toBe(false);
    // A cuff reading (BP) does not make the wearable fresh.
    expect(toEntry(ada, old, [], NOW, { role: 'caregiver' }).stale).toBe(true);
    expect(toEntry(ada, undefined, [], NOW, { role: 'caregiver' }).stale).toBe(true);
  });

  it('takes the most urgent open alert and lists the high ones', () => {
    const e = toEntry(
      ada,
      undefined,
      [
        { id: 'h', priority: 'high' },
        { id: 'm', priority: 'medium' },
      ],
      NOW,
      undefined,
    );
    expect(e.alert).toBe('high');
    expect(e.highAlertIds).toEqual(['h']);
  });

  it('claims nothing about vitals the resident does not share with this role', () => {
    const e = toEntry(ada, undefined, [], NOW, { role: 'manager' });
    expect(e.stale).toBe(false);
    expect(e.notWorn).toBe(false);
  });
});

describe('heart-rate sparkline', () => {
  it('draws the last hour, right edge now, on a fixed 40–140 scale', () => {
    const pts = sparkPoints(
      [
        { ts: NOW - 2 * 60 * 60_000, hr: 80 }, // older than an hour: left out
        { ts: NOW - 60 * 60_000, hr: 40 },
        { ts: NOW, hr: 140 },
        { ts: NOW - 30 * 60_000, hr: 300 }, // clamped to the top
      ],
      NOW,
    );
    expect(pts).toBe('0.0,28.0 120.0,0.0 60.0,0.0');
  });
});
