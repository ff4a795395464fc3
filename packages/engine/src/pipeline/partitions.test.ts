import { describe, expect, it } from 'vitest';
import { partitionOf, subjectKey } from './partitions.ts';

describe('partitionOf', () => {
  it('is stable, in range, and spreads subjects evenly', () => {
    expect(partitionOf('resident:r1', 64)).toBe(partitionOf('resident:r1', 64));
    const counts = new Array<number>(64).fill(0);
    for (let i = 0; i < 64_000; i++) {
      const p = partitionOf(subjectKey({ id: `w${i}`, residentId: `res-${i}` }), 64);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(64);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    // 1,000 expected per partition: within 15 %.
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1150);
  });

  it('judges a bound device with its resident and an unbound one on its own', () => {
    expect(subjectKey({ id: 'w1', residentId: 'r1' })).toBe('resident:r1');
    expect(subjectKey({ id: 's1' })).toBe('device:s1');
  });
});
