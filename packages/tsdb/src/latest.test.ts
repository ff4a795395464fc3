import { describe, expect, it } from 'vitest';
import { LatestCache, mergeLatest, mergePoints } from './latest.ts';

describe('latest cache', () => {
  it('keeps the latest of each field by device time (a late batch never overwrites)', () => {
    const c = new LatestCache();
    c.apply('r1', { ts: 2000, hr: 80, worn: true });
    c.apply('r1', { ts: 1000, hr: 70, spo2: 96, consciousness: 'A' });
    expect(c.get('r1')).toEqual({
      residentId: 'r1',
      values: { hr: { v: 80, ts: 2000 }, spo2: { v: 96, ts: 1000 } },
      consciousness: { v: 'A', ts: 1000 },
      worn: { v: true, ts: 2000 },
    });
    expect(c.get('r2')).toBeUndefined();
    const copy = c.get('r1');
    if (copy?.values.hr) copy.values.hr.v = 1;
    expect(c.get('r1')?.values.hr?.v).toBe(80);
  });

  it('merges cache and TSDB per field by timestamp', () => {
    const merged = mergeLatest(
      'r1',
      { residentId: 'r1', values: { hr: { v: 90, ts: 3000 } }, onOxygen: { v: true, ts: 3000 } },
      {
        residentId: 'r1',
        values: { hr: { v: 80, ts: 2000 }, spo2: { v: 95, ts: 4000 } },
        onOxygen: { v: false, ts: 5000 },
      },
    );
    expect(merged).toEqual({
      residentId: 'r1',
      values: { hr: { v: 90, ts: 3000 }, spo2: { v: 95, ts: 4000 } },
      onOxygen: { v: false, ts: 5000 },
    });
    expect(mergeLatest('r1', undefined, undefined)).toBeUndefined();
  });

  it('merges stored and buffered points by timestamp, in order', () => {
    expect(
      mergePoints(
        [
          { ts: 1000, hr: 70 },
          { ts: 3000, hr: 72 },
        ],
        [
          { ts: 2000, hr: 71 },
          { ts: 3000, spo2: 97 },
        ],
      ),
    ).toEqual([
      { ts: 1000, hr: 70 },
      { ts: 2000, hr: 71 },
      { ts: 3000, hr: 72, spo2: 97 },
    ]);
  });
});
