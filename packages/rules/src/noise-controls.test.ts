import { describe, expect, it } from 'vitest';
import { awakeForMs, inactiveForMs, updateActivity } from './activity.ts';
import { filterArtefact } from './artefacts.ts';
import { judgeBaseline, updateBaseline } from './baseline.ts';

describe('filterArtefact', () => {
  it('rejects a one-sample spike and keeps judging against the last good value', () => {
    let s = filterArtefact({}, 72, 0, 30).state;
    const spike = filterArtefact(s, 150, 1000, 30);
    expect(spike.accepted).toBe(false);
    s = spike.state;
    const back = filterArtefact(s, 73, 2000, 30);
    expect(back).toMatchObject({ accepted: true, state: { good: { v: 73, ts: 2000 } } });
  });

  it('accepts a sustained change once the next sample confirms it', () => {
    let s = filterArtefact({}, 72, 0, 30).state;
    const first = filterArtefact(s, 140, 1000, 30);
    expect(first.accepted).toBe(false);
    s = first.state;
    expect(filterArtefact(s, 142, 2000, 30).accepted).toBe(true);
  });

  it('judges nothing across a long gap or for a late sample', () => {
    const s = filterArtefact({}, 72, 60_000, 30).state;
    expect(filterArtefact(s, 140, 100_000, 30).accepted).toBe(true);
    expect(filterArtefact(s, 140, 59_000, 30)).toMatchObject({ accepted: true, state: s });
  });
});

describe('resting heart-rate baseline', () => {
  it('learns the mean and spread, and is ready after the warm-up', () => {
    let b: ReturnType<typeof updateBaseline> | undefined;
    for (let i = 0; i <= 2160; i++) b = updateBaseline(b, 62 + (i % 2 === 0 ? 2 : -2), i * 5_000, 86_400_000);
    const j = judgeBaseline(b, { halfLifeMs: 86_400_000, warmupMs: 7_200_000, minDeltaBpm: 20, sdFactor: 3 });
    expect(j?.ready).toBe(true);
    expect(j?.mean).toBeCloseTo(62, 0);
    expect(j?.sd).toBeCloseTo(2, 0);
    expect(j?.limit).toBeCloseTo(82, 0);
    expect(
      judgeBaseline(updateBaseline(undefined, 60, 0, 1), { halfLifeMs: 1, warmupMs: 1, minDeltaBpm: 1, sdFactor: 1 })
        ?.ready,
    ).toBe(false);
  });
});

describe('inactivity', () => {
  const hours = { timeZone: 'Asia/Shanghai', wakeFrom: '07:30', wakeTo: '21:30' };
  // 2026-01-01 00:00 UTC = 08:00 in Shanghai.
  const eight = Date.parse('2026-01-01T00:00:00Z');
  it('counts waking time only, in the facility time zone, wrapping midnight when asked', () => {
    expect(awakeForMs(eight, hours)).toBe(30 * 60_000);
    expect(awakeForMs(eight - 60 * 60_000, hours)).toBe(0);
    expect(awakeForMs(eight, { ...hours, wakeFrom: '14:00', wakeTo: '02:00' })).toBe(0);
    expect(awakeForMs(eight - 7 * 3_600_000, { ...hours, wakeFrom: '14:00', wakeTo: '02:00' })).toBe(11 * 3_600_000);
  });

  it('measures inactivity from the last step, never before waking or before steps were seen', () => {
    let a = updateActivity({}, 100, eight).state;
    expect(inactiveForMs(a, eight + 60_000, hours)).toBe(60_000);
    const moved = updateActivity(a, 120, eight + 120_000);
    expect(moved.moved).toBe(true);
    a = moved.state;
    expect(inactiveForMs(a, eight + 3 * 3_600_000, hours)).toBe(3 * 3_600_000 - 120_000);
    // The daily counter resets at midnight: not a movement, not an error.
    expect(updateActivity(a, 0, eight + 16 * 3_600_000).moved).toBe(false);
  });
});
