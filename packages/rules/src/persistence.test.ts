import { describe, expect, it } from 'vitest';
import {
  addPoints,
  currentEpisode,
  newTrack,
  type PersistenceSpec,
  REORDER_WINDOW,
  runSpec,
  type Tier,
  type TrackPoint,
} from './persistence.ts';

const spec: PersistenceSpec = {
  forMs: 10_000,
  clearForMs: 5_000,
  freshMs: 3_000,
  fraction: 0.8,
  confirmMs: 3_000,
  readings: 'stream',
};
const S = 1000;
const MIN = 60 * S;

/**
 * One point per `stepMs` from a string: '0' none, '1' alert tier, '2' high tier, '3' critical,
 * 'c' clear, '-' gap (not worn), 'S' a spot reading past the critical limit, ' ' no reading.
 */
const points = (s: string, t0 = 0, stepMs = S): TrackPoint[] =>
  [...s].flatMap((ch, i) =>
    ch === ' '
      ? []
      : [
          {
            ts: t0 + i * stepMs,
            tier: (ch === 'c' || ch === '-' ? 0 : ch === 'S' ? 3 : Number(ch)) as Tier,
            clear: ch === 'c',
            ...(ch === '-' && { gap: true }),
            ...(ch === 'S' && { spot: true }),
          },
        ],
  );
/** The episode tier after each point, fed one at a time. */
const tiers = (ps: TrackPoint[], s = spec) => {
  let t = newTrack();
  return ps
    .map((p) => {
      t = addPoints(t, [p], s);
      return currentEpisode(t, s).tier;
    })
    .join('');
};
const episodeAfter = (ps: TrackPoint[], s = spec) => currentEpisode(addPoints(newTrack(), ps, s), s);

describe('a window of readings (clinical.md "Fraction, not an unbroken run")', () => {
  it('holds once the condition was seen for the window and most readings of the window are past the limit', () => {
    expect(tiers(points('11111111111'))).toBe('00000000001');
    // After in-range data: 10 of the 11 readings of the window, the condition seen for 10 s.
    expect(tiers(points(`${'0'.repeat(10)}${'1'.repeat(12)}`)).slice(10)).toBe('000000000011');
    expect(episodeAfter(points(`00${'1'.repeat(11)}`))).toMatchObject({
      tier: 1,
      onset: 2000,
      path: 'sustained',
      holds: true,
    });
  });

  it('is not restarted by one in-range reading (SpO2 89 % with the odd 94 %)', () => {
    // The old unbroken-run rule never raised on this: one reading in ten is in range.
    const interrupted = '111101111111101111111110111';
    expect(tiers(points(interrupted))).toContain('1');
    expect(episodeAfter(points(interrupted))).toMatchObject({ tier: 1, onset: 0, path: 'sustained' });
    // Half the readings in range is not a condition that holds.
    expect(tiers(points('10'.repeat(20)))).toBe('0'.repeat(40));
  });

  it('raises only on a reading past the limit, never on an in-range one', () => {
    const t = tiers(points('111111110'));
    expect(t).toBe('000000000');
  });

  it('forgets readings older than the freshness window, and an unworn gap', () => {
    // 4 s without data > freshMs 3 s: the window starts afresh after it.
    const gapped = [...points('111111'), ...points('1111111111', 10_000)];
    expect(tiers(gapped)).toBe('0'.repeat(16));
    expect(episodeAfter([...gapped, ...points('1', 20_000)])).toMatchObject({ tier: 1, onset: 10_000 });
    expect(tiers(points('1111-11111111111')).slice(5)).toBe('00000000001');
  });

  it('escalates when the high tier holds too, and never falls back within an episode', () => {
    expect(tiers(points('111112222222222221111'))).toBe('000000000011111222222');
  });

  it('clears only after the clear condition (hysteresis band excluded) held for clearForMs', () => {
    const raised = '11111111111';
    // '0' is inside the hysteresis band: neither past the limit nor clear of it.
    expect(tiers(points(`${raised}000000000`))).toBe('00000000001111111111');
    expect(tiers(points(`${raised}cccccc`))).toBe('00000000001111110');
    expect(episodeAfter(points(`${raised}cccccc`)).clearedAt).toBe(16_000);
  });
});

describe('sparse and spot readings (clinical.md "Sparse readings")', () => {
  const sparse = { ...spec, forMs: 60_000, freshMs: 10 * MIN };

  it('confirms an abnormal reading by the next one, however late it comes within freshness', () => {
    // SpO2 86 % every 4 minutes: a 60 s window never holds two readings.
    expect(tiers(points('1111', 0, 4 * MIN), sparse)).toBe('0111');
    expect(episodeAfter(points('11', 0, 4 * MIN), sparse)).toMatchObject({
      tier: 1,
      path: 'confirmed',
      onset: 0,
      evidence: { abnormal: 2, readings: 2, spanMs: 4 * MIN },
    });
    // An in-range reading between them confirms nothing; beyond freshness, nothing is remembered.
    expect(tiers(points('1010', 0, 4 * MIN), sparse)).toBe('0000');
    expect(tiers(points('11', 0, 11 * MIN), sparse)).toBe('00');
  });

  it('confirms spot readings (a cuff) by the next reading even when both lie in the window', () => {
    const cuff = { ...spec, forMs: 10 * MIN, freshMs: 12 * 60 * MIN, readings: 'spot' as const };
    expect(tiers(points('11', 0, 5 * MIN), cuff)).toBe('01');
    expect(tiers(points('101', 0, 5 * MIN), cuff)).toBe('000');
  });
});

describe('the critical fast path (clinical.md "Critical limits")', () => {
  it('raises a stream past the critical limit once it held for confirmMs, mostly past it', () => {
    expect(tiers(points('00003333'))).toBe('00000003');
    expect(episodeAfter(points('00003333'))).toMatchObject({ tier: 3, path: 'critical_stream', onset: 4000 });
    // One reading back inside after the first ends the run (1 of 2); the next one starts again.
    expect(tiers(points('30333333'))).toBe('00000333');
  });

  it('raises a spot reading past the critical limit at once, and nothing less does', () => {
    expect(tiers(points('000S'))).toBe('0003');
    expect(episodeAfter(points('000S'))).toMatchObject({ tier: 3, path: 'critical_spot', onset: 3000 });
    expect(tiers(points('0003'))).toBe('0000');
  });

  it('escalates an open medium episode to the critical tier without a new episode', () => {
    const ep = episodeAfter(points('111111111113333'));
    expect(ep).toMatchObject({ tier: 3, onset: 0, path: 'critical_stream' });
  });

  it('with confirmMs 0 (no noise controls) a single critical reading is enough', () => {
    expect(tiers(points('03'), { ...spec, confirmMs: 0 })).toBe('03');
  });
});

describe('a run spec (technical and facility conditions)', () => {
  it('needs every reading of the window past the limit, for the whole window', () => {
    const run = runSpec(5_000, 0, 3_000);
    expect(tiers(points('111111'), run)).toBe('000001');
    expect(tiers(points('11110111111'), run)).toBe('00000000001');
  });
});

describe('order of arrival', () => {
  it('gives the same episode live, batched and mildly reordered', () => {
    const seq = points('000111111111111122222222222220000cccccccccc1111333333');
    let l = newTrack();
    for (const p of seq) l = addPoints(l, [p], spec);
    const batched = addPoints(newTrack(), seq, spec);
    // Swap neighbours and move some points a few places later.
    const shuffled = [...seq];
    for (let i = 0; i + 3 < shuffled.length; i += 4) {
      const [a, b, c] = [shuffled[i], shuffled[i + 1], shuffled[i + 3]] as [TrackPoint, TrackPoint, TrackPoint];
      shuffled[i] = b;
      shuffled[i + 1] = c;
      shuffled[i + 3] = a;
    }
    let r = newTrack();
    for (const p of shuffled) r = addPoints(r, [p], spec);
    const want = currentEpisode(l, spec);
    expect(want.tier).toBe(3);
    expect(currentEpisode(batched, spec)).toEqual(want);
    expect(currentEpisode(r, spec)).toEqual(want);
    expect(r.late).toBe(0);
  });

  it('drops a point older than the reorder window and counts it', () => {
    const seq = points('1'.repeat(REORDER_WINDOW + 5));
    let t = addPoints(newTrack(), seq, spec);
    t = addPoints(t, [{ ts: 0, tier: 0, clear: true }], spec);
    expect(t.late).toBe(1);
    expect(t.tail).toHaveLength(REORDER_WINDOW);
  });

  it('replaces a redelivered point with the same timestamp', () => {
    const t = addPoints(newTrack(), [...points('111'), { ts: 1000, tier: 1, clear: false }], spec);
    expect(t.tail.map((p) => p.ts)).toEqual([0, 1000, 2000]);
  });

  it('keeps a bounded window at any sample rate', () => {
    const tenHz = Array.from({ length: 2000 }, (_, i) => ({ ts: i * 100, tier: 1 as Tier, clear: false }));
    const t = addPoints(newTrack(), tenHz, spec);
    expect(t.checkpoint.window.length).toBeLessThanOrEqual(17);
    expect(currentEpisode(t, spec)).toMatchObject({
      tier: 1,
      evidence: { abnormal: 101, readings: 101, spanMs: 10_000 },
    });
  });
});
