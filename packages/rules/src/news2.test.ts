import { News2 } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import {
  judgeNews2,
  news2FromLatest,
  news2Risk,
  scoreConsciousness,
  scoreHr,
  scoreNews2,
  scoreRr,
  scoreSbp,
  scoreSpo2Scale1,
  scoreSpo2Scale2,
  scoreTemp,
} from './news2.ts';

// Every band edge of RCP NEWS2 chart 1 (../shared/spec/clinical.md), from both sides.
describe('NEWS2 sub-scores at both sides of every band edge', () => {
  it.each([
    [8, 3],
    [9, 1],
    [11, 1],
    [12, 0],
    [20, 0],
    [21, 2],
    [24, 2],
    [25, 3],
  ])('respiration %d /min → %d', (v, s) => expect(scoreRr(v)).toBe(s));

  it.each([
    [91, 3],
    [92, 2],
    [93, 2],
    [94, 1],
    [95, 1],
    [96, 0],
    [100, 0],
  ])('SpO2 scale 1 %d %% → %d', (v, s) => expect(scoreSpo2Scale1(v)).toBe(s));

  it.each([
    [83, false, 3],
    [84, false, 2],
    [85, false, 2],
    [86, false, 1],
    [87, false, 1],
    [88, false, 0],
    [92, false, 0],
    [93, false, 0],
    [99, false, 0],
    [88, true, 0],
    [92, true, 0],
    [93, true, 1],
    [94, true, 1],
    [95, true, 2],
    [96, true, 2],
    [97, true, 3],
    [83, true, 3],
  ])('SpO2 scale 2 %d %% (oxygen %s) → %d', (v, o2, s) => expect(scoreSpo2Scale2(v, o2)).toBe(s));

  it.each([
    [90, 3],
    [91, 2],
    [100, 2],
    [101, 1],
    [110, 1],
    [111, 0],
    [219, 0],
    [220, 3],
  ])('systolic %d mmHg → %d', (v, s) => expect(scoreSbp(v)).toBe(s));

  it.each([
    [40, 3],
    [41, 1],
    [50, 1],
    [51, 0],
    [90, 0],
    [91, 1],
    [110, 1],
    [111, 2],
    [130, 2],
    [131, 3],
  ])('pulse %d /min → %d', (v, s) => expect(scoreHr(v)).toBe(s));

  it.each([
    [35.0, 3],
    [35.1, 1],
    [36.0, 1],
    [36.1, 0],
    [38.0, 0],
    [38.1, 1],
    [39.0, 1],
    [39.1, 2],
  ])('temperature %d °C → %d', (v, s) => expect(scoreTemp(v)).toBe(s));

  it.each([
    ['A', 0],
    ['C', 3],
    ['V', 3],
    ['P', 3],
    ['U', 3],
  ] as const)('consciousness %s → %d', (c, s) => expect(scoreConsciousness(c)).toBe(s));

  it('rounds between-band values to the chart precision, half up', () => {
    expect(scoreTemp(36.05)).toBe(0); // → 36.1
    expect(scoreTemp(36.04)).toBe(1); // → 36.0
    expect(scoreHr(90.4)).toBe(0);
    expect(scoreHr(90.5)).toBe(1); // → 91
    expect(scoreSpo2Scale1(95.5)).toBe(0); // → 96
  });
});

describe('NEWS2 aggregate and risk (chart 4)', () => {
  const AT = Date.UTC(2026, 10, 23, 12);
  const normal = { rr: 16, spo2: 97, sbp: 125, hr: 72, temp: 36.8, consciousness: 'A', onOxygen: false } as const;

  it('scores a healthy complete set 0, low, complete, and satisfies the contract schema', () => {
    const n = scoreNews2(normal, 1, AT);
    expect(n).toEqual({
      score: 0,
      risk: 'low',
      partial: false,
      missing: [],
      subscores: { rr: 0, spo2: 0, air: 0, sbp: 0, hr: 0, consciousness: 0, temp: 0 },
      at: '2026-11-23T12:00:00.000Z',
    });
    expect(News2.parse(n)).toEqual(n);
  });

  it.each([
    [4, false, 'low'],
    [0, false, 'low'],
    [3, true, 'low_medium'],
    [4, true, 'low_medium'],
    [5, false, 'medium'],
    [6, true, 'medium'],
    [7, false, 'high'],
    [20, true, 'high'],
  ] as const)('aggregate %d (a red score: %s) → %s', (score, red, risk) => expect(news2Risk(score, red)).toBe(risk));

  it('a single red score lifts a low aggregate to low–medium', () => {
    const n = scoreNews2({ ...normal, consciousness: 'C' }, 1, AT);
    expect(n).toMatchObject({ score: 3, risk: 'low_medium' });
  });

  it('adds up to high for a deteriorating resident', () => {
    // rr 25 (3) + spo2 91 (3) + oxygen (2) + sbp 100 (2) + hr 115 (2) + temp 39.2 (2) = 14
    const n = scoreNews2(
      { rr: 25, spo2: 91, sbp: 100, hr: 115, temp: 39.2, consciousness: 'A', onOxygen: true },
      1,
      AT,
    );
    expect(n).toMatchObject({ score: 14, risk: 'high', partial: false });
  });

  it('oxygen on scale 2: 95 % scores 2 for SpO2 plus 2 for oxygen; the same on air scores 0', () => {
    expect(scoreNews2({ ...normal, spo2: 95, onOxygen: true }, 2, AT).subscores).toMatchObject({ spo2: 2, air: 2 });
    expect(scoreNews2({ ...normal, spo2: 95, onOxygen: false }, 2, AT).subscores).toMatchObject({ spo2: 0, air: 0 });
    // Scale 1 ignores the oxygen for SpO2 but still scores the oxygen itself.
    expect(scoreNews2({ ...normal, spo2: 95, onOxygen: true }, 1, AT).subscores).toMatchObject({ spo2: 1, air: 2 });
  });

  it('marks a score from an incomplete set as partial and names what is missing', () => {
    const n = scoreNews2({ hr: 72, spo2: 97, rr: 16 }, 1, AT);
    expect(n).toMatchObject({ score: 0, partial: true, missing: ['air', 'sbp', 'consciousness', 'temp'] });
    expect(n.subscores).toEqual({ rr: 0, spo2: 0, hr: 0 });
  });

  it('treats a non-finite value as missing, not as a score', () => {
    expect(scoreNews2({ ...normal, hr: Number.NaN }, 1, AT).missing).toEqual(['hr']);
  });
});

describe('NEWS2 from the latest readings', () => {
  const NOW = Date.UTC(2026, 10, 23, 12);
  const MIN = 60_000;
  const latest = {
    values: {
      hr: { v: 120, ts: NOW - MIN },
      spo2: { v: 95, ts: NOW - MIN },
      rr: { v: 22, ts: NOW - 11 * MIN }, // stale: wearables report every few seconds
      temp: { v: 38.5, ts: NOW - 50 * MIN },
      sbp: { v: 105, ts: NOW - 5 * 60 * MIN },
    },
    consciousness: { v: 'A' as const, ts: NOW - 13 * 60 * MIN }, // stale observation
  };

  it('uses each parameter only within its freshness window and says which were missing', () => {
    const n = news2FromLatest(latest, { onOxygen: false }, NOW);
    expect(n.missing).toEqual(['rr', 'consciousness']);
    expect(n.partial).toBe(true);
    // hr 120 (2) + spo2 95 (1) + air (0) + sbp 105 (1) + temp 38.5 (1)
    expect(n.subscores).toEqual({ spo2: 1, air: 0, sbp: 1, hr: 2, temp: 1 });
    expect(n.score).toBe(5);
    expect(n.risk).toBe('medium');
  });

  it('takes the SpO2 scale and oxygen from the care plan, and a device report of oxygen over it', () => {
    const plan = { spo2Scale: 2 as const, onOxygen: true };
    expect(news2FromLatest(latest, plan, NOW).subscores).toMatchObject({ spo2: 2, air: 2 });
    const onAir = { ...latest, onOxygen: { v: false, ts: NOW - MIN } };
    expect(news2FromLatest(onAir, plan, NOW).subscores).toMatchObject({ spo2: 0, air: 0 });
  });

  it('without a care-plan oxygen setting or a device report, oxygen is missing', () => {
    expect(news2FromLatest(latest, {}, NOW).missing).toContain('air');
  });

  it('holds a device report of oxygen for 15 min unless repeated, then the prescription applies', () => {
    const onO2 = { ...latest, onOxygen: { v: true, ts: NOW - 14 * MIN } };
    expect(news2FromLatest(onO2, { onOxygen: false }, NOW).subscores.air).toBe(2);
    const expired = { ...latest, onOxygen: { v: true, ts: NOW - 16 * MIN } };
    expect(news2FromLatest(expired, { onOxygen: false }, NOW).subscores.air).toBe(0);
    // Nothing prescribed: an expired report leaves oxygen unknown, and the score says so.
    expect(news2FromLatest(expired, {}, NOW)).toMatchObject({
      partial: true,
      missing: expect.arrayContaining(['air']),
    });
    // The hold is a setting.
    expect(news2FromLatest(expired, {}, NOW, { oxygenHoldMs: 30 * MIN }).subscores.air).toBe(2);
  });

  it('never scores scale 2 unless the care plan sets it, whatever the thresholds look like', () => {
    const copdLike = { thresholds: { spo2: { low: 87 } }, onOxygen: false } as const;
    const low = { values: { spo2: { v: 89, ts: NOW } } };
    expect(news2FromLatest(low, copdLike, NOW).subscores.spo2).toBe(3);
    expect(news2FromLatest(low, { ...copdLike, spo2Scale: 2 }, NOW).subscores.spo2).toBe(0);
  });

  it('on scale 2 with oxygen unknown, leaves SpO2 ≥ 93 % unscored and the score partial, never scored as air', () => {
    const high = { values: { spo2: { v: 97, ts: NOW } } };
    const n = news2FromLatest(high, { spo2Scale: 2 }, NOW);
    expect(n.subscores.spo2).toBeUndefined();
    expect(n.missing).toEqual(expect.arrayContaining(['spo2', 'air']));
    expect(n.partial).toBe(true);
    // Below 93 % the oxygen does not change the scale-2 score: it is scored.
    expect(news2FromLatest({ values: { spo2: { v: 84, ts: NOW } } }, { spo2Scale: 2 }, NOW).subscores.spo2).toBe(2);
  });

  it("uses a reading's own freshness when its device profile gave one", () => {
    const cuff = { values: { hr: { v: 120, ts: NOW - 20 * MIN, freshMs: 30 * MIN } } };
    expect(news2FromLatest(cuff, {}, NOW).subscores.hr).toBe(2);
    expect(news2FromLatest({ values: { hr: { v: 120, ts: NOW - 20 * MIN } } }, {}, NOW).missing).toContain('hr');
  });
});

describe('NEWS2 alerts (chart 4)', () => {
  const AT = Date.UTC(2026, 10, 23, 12);
  const complete = { rr: 16, spo2: 97, sbp: 125, hr: 72, temp: 36.8, consciousness: 'A', onOxygen: false } as const;
  const judge = (over: Partial<typeof complete> | Record<string, unknown>) =>
    judgeNews2(scoreNews2({ ...complete, ...over } as typeof complete, 1, AT));

  it('1–4 without a red score raises nothing (the tile shows it)', () => {
    expect(judge({})).toBeUndefined();
    expect(judge({ hr: 115, temp: 38.5, spo2: 95 })).toBeUndefined(); // 2 + 1 + 1 = 4
  });

  it('a single red score is medium, naming the parameter', () => {
    expect(judge({ consciousness: 'V' })).toMatchObject({
      priority: 'medium',
      title: 'NEWS2 red score: consciousness',
    });
    expect(judge({ rr: 7 })?.condition).toContain('respiration');
  });

  it('5–6 is medium; 7 or more is high', () => {
    // pulse 115 (2) + temperature 39.5 (2) + SpO2 95 (1) = 5
    expect(judge({ hr: 115, temp: 39.5, spo2: 95 })).toMatchObject({
      priority: 'medium',
      title: 'NEWS2 5: urgent assessment',
    });
    // … SpO2 93 (2) = 6
    expect(judge({ hr: 115, temp: 39.5, spo2: 93 })).toMatchObject({
      priority: 'medium',
      title: 'NEWS2 6: urgent assessment',
    });
    // pulse 131 (3) + 2 + 2 = 7
    expect(judge({ hr: 131, temp: 39.5, spo2: 93 })).toMatchObject({
      priority: 'high',
      title: 'NEWS2 7: emergency assessment',
    });
  });

  it('a partial score says what was missing', () => {
    // pulse 131 (3) + SpO2 91 (3) = 6 from two of seven parameters
    const j = judgeNews2(scoreNews2({ hr: 131, spo2: 91 }, 1, AT));
    expect(j?.priority).toBe('medium');
    expect(j?.condition).toContain('(partial: respiration, oxygen, systolic BP, consciousness, temperature missing)');
  });
});
