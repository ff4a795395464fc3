import { describe, expect, it } from 'vitest';
import { hashSeed, Rng } from './rng.ts';

describe('Rng', () => {
  it('repeats the same sequence for the same seed, and differs for another', () => {
    const a = new Rng(42);
    const b = new Rng('42');
    const c = new Rng(43);
    const seqA = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(seqA);
  });

  it('stays in range', () => {
    const r = new Rng('range');
    for (let i = 0; i < 10_000; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const n = r.int(3, 7);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(7);
    }
  });

  it('draws gaussians with the requested mean and sd', () => {
    const r = new Rng('gauss');
    const xs = Array.from({ length: 20_000 }, () => r.gaussian(10, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('derives independent per-label streams', () => {
    expect(Rng.derive(1, 'dev-a').next()).not.toBe(Rng.derive(1, 'dev-b').next());
    expect(Rng.derive(1, 'dev-a').next()).toBe(Rng.derive(1, 'dev-a').next());
    expect(hashSeed('x')).toBe(hashSeed('x'));
  });

  it('picks by weight', () => {
    const r = new Rng('w');
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++)
      counts[
        r.weighted([
          ['a', 9],
          ['b', 1],
        ] as const)
      ]++;
    expect(counts.a / 10_000).toBeGreaterThan(0.85);
    expect(counts.b).toBeGreaterThan(0);
  });
});
