import { describe, expect, it } from 'vitest';
import { downsample } from './vitals-view.ts';

describe('downsample (stepped vitals history)', () => {
  it('keeps the last reading of each vital in a step, not only the last point', () => {
    const points = [
      { ts: 1_000, hr: 70, spo2: 97 },
      { ts: 20_000, sbp: 150, dbp: 90 },
      { ts: 40_000, hr: 72 },
      { ts: 61_000, hr: 80 },
    ];
    expect(downsample(points, 60_000)).toEqual([
      { ts: 40_000, hr: 72, spo2: 97, sbp: 150, dbp: 90 },
      { ts: 61_000, hr: 80 },
    ]);
  });

  it('sorts by time, so a late arrival does not split a step', () => {
    expect(
      downsample(
        [
          { ts: 50_000, hr: 90 },
          { ts: 10_000, hr: 60, temp: 37.1 },
        ],
        60_000,
      ),
    ).toEqual([{ ts: 50_000, hr: 90, temp: 37.1 }]);
  });

  it('without a step returns every point as it is', () => {
    const points = [{ ts: 1, hr: 1 }, { ts: 2 }];
    expect(downsample(points, undefined)).toEqual(points);
  });
});
