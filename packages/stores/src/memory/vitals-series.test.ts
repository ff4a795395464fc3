import { describe, expect, it } from 'vitest';
import type { VitalsPoint } from '../types.ts';
import { VitalsSeries } from './vitals-series.ts';

describe('VitalsSeries', () => {
  it('gives back each reading with exactly the fields it had', () => {
    const s = new VitalsSeries();
    const points: VitalsPoint[] = [
      { ts: 1, hr: 72, spo2: 97, rr: 16, sbp: 121, dbp: 79, temp: 36.6, battery: 80, steps: 12 },
      { ts: 2, consciousness: 'A', onOxygen: false, worn: true },
      { ts: 3, hr: 0, consciousness: 'V', onOxygen: true, worn: false },
      { ts: 4 },
    ];
    for (const p of points) s.insert(p);
    expect(s.range(0, 10)).toEqual(points);
  });

  it('puts a late reading at its place and answers ranges inclusively', () => {
    const s = new VitalsSeries();
    for (const ts of [10, 20, 40, 50]) s.insert({ ts, hr: ts });
    s.insert({ ts: 30, hr: 30 });
    s.insert({ ts: 5, hr: 5 });
    expect(s.range(0, 100).map((p) => p.ts)).toEqual([5, 10, 20, 30, 40, 50]);
    expect(s.range(20, 40).map((p) => p.hr)).toEqual([20, 30, 40]);
    expect(s.range(41, 49)).toEqual([]);
    expect(s.countBefore(30)).toBe(3);
  });

  it('matches a plain sorted list through growth, trimming and moving rows to the front', () => {
    // A seeded walk: mostly in order, some late, trimmed to a changing share, old rows dropped by age.
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const s = new VitalsSeries();
    let model: VitalsPoint[] = [];
    let now = 1_000;
    for (let step = 0; step < 20_000; step++) {
      now += 1 + Math.floor(rand() * 3);
      const ts = rand() < 0.05 ? now - Math.floor(rand() * 200) : now;
      const p: VitalsPoint = { ts, hr: Math.floor(rand() * 200) };
      if (rand() < 0.1) p.worn = rand() < 0.5;
      s.insert(p);
      let i = model.length;
      while (i > 0 && model[i - 1]!.ts > ts) i--;
      model.splice(i, 0, p);
      const share = step < 10_000 ? 500 : 60;
      s.keepNewest(share);
      if (model.length > share) model = model.slice(model.length - share);
      if (step % 997 === 0) {
        const cut = now - 300;
        const dropped = s.countBefore(cut);
        s.dropOldest(dropped);
        expect(dropped).toBe(model.filter((q) => q.ts < cut).length);
        model = model.filter((q) => q.ts >= cut);
      }
      expect(s.length).toBe(model.length);
    }
    expect(s.range(-Infinity, Infinity)).toEqual(model);
  });
});
