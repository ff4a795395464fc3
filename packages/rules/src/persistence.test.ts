import { describe, expect, it } from 'vitest';
import {
  addPoints,
  currentEpisode,
  newTrack,
  type PersistenceSpec,
  REORDER_WINDOW,
  type Tier,
  type TrackPoint,
} from './persistence.ts';

const spec: PersistenceSpec = { forMs: 10_000, clearForMs: 5_000, maxGapMs: 3_000 };
/** One point per second from a tier string: '0' none, '1' alert tier, '2' critical, 'c' clear, '-' gap. */
const points = (s: string, t0 = 0): TrackPoint[] =>
  [...s].flatMap((ch, i) =>
    ch === ' '
      ? []
      : [
          {
            ts: t0 + i * 1000,
            tier: (ch === 'c' ? 0 : ch === '-' ? 0 : Number(ch)) as Tier,
            clear: ch === 'c',
            ...(ch === '-' && { gap: true }),
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

describe('persistence windows', () => {
  it('raises only after the condition held for forMs, from the run start', () => {
    expect(tiers(points('1111111111'))).toBe('0000000000');
    expect(tiers(points('11111111111'))).toBe('00000000001');
    const t = addPoints(newTrack(), points('0011111111111'), spec);
    expect(currentEpisode(t, spec)).toMatchObject({ tier: 1, onset: 2000, holds: true });
  });

  it('restarts the window when the condition lapses or the data has a gap', () => {
    expect(tiers(points('11111011111111111'))).toBe('00000000000000001');
    // 4 s without data > maxGapMs: the run starts again after the gap.
    const gapped = [...points('111111'), ...points('1111111111', 10_000)];
    expect(tiers(gapped)).toBe('0'.repeat(16));
    const after = currentEpisode(addPoints(newTrack(), [...gapped, ...points('1', 20_000)], spec), spec);
    expect(after).toMatchObject({ tier: 1, onset: 10_000 });
    // A not-worn gap point breaks the run too.
    expect(tiers(points('11111-11111111111')).at(-1)).toBe('1');
    expect(tiers(points('11111-1111111111')).at(-1)).toBe('0');
  });

  it('escalates when the critical tier persists too, and never falls back within an episode', () => {
    expect(tiers(points('11111222222222221111'))).toBe('00000000001111122222');
  });

  it('clears only after the clear condition (hysteresis band excluded) held for clearForMs', () => {
    const raised = '11111111111';
    // '0' is inside the hysteresis band: neither meets the limit nor clears it.
    expect(tiers(points(`${raised}000000000`))).toBe('00000000001111111111');
    expect(tiers(points(`${raised}cccccc`))).toBe('00000000001111110');
    expect(currentEpisode(addPoints(newTrack(), points(`${raised}cccccc`), spec), spec).clearedAt).toBe(16_000);
  });

  it('gives the same episode live, batched and mildly reordered', () => {
    const seq = points('000111111111111122222222222220000cccccccccc1111');
    const live = newTrack();
    let l = live;
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
});
