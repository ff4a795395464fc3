import { describe, expect, it } from 'vitest';
import { dueMs, samplesOf, shareOf, sosPlan, Timeline } from './schedule.ts';

describe('schedule', () => {
  it('spreads the fleet evenly over one period', () => {
    expect(dueMs(0, 4, 2, 0)).toBe(0);
    expect(dueMs(1, 4, 2, 0)).toBe(125);
    expect(dueMs(3, 4, 2, 1)).toBe(375 + 500);
    // 10 s at 2 Hz: 20 samples each, whatever the phase.
    expect(samplesOf(0, 4, 2, 10)).toBe(20);
    expect(samplesOf(3, 4, 2, 10)).toBe(20);
    // A fractional run: the early phase gets one sample more.
    expect(samplesOf(0, 2, 1, 1.25)).toBe(2);
    expect(samplesOf(1, 2, 1, 1.25)).toBe(1);
  });

  it('interleaves devices over fleet processes so each offers its share evenly', () => {
    expect(shareOf(7, 2, 0)).toEqual([0, 2, 4, 6]);
    expect(shareOf(7, 2, 1)).toEqual([1, 3, 5]);
  });

  it('walks a process’s publishes in time order, every device its samples', () => {
    const indices = shareOf(10, 3, 1);
    const t = new Timeline(indices, 10, 2, 3.3);
    const seen: { slot: number; due: number }[] = [];
    for (let next = t.peek(); next; next = t.peek()) {
      seen.push({ slot: next.slot, due: next.dueMs });
      t.advance();
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.due).toBeGreaterThanOrEqual(seen[i - 1]!.due);
    expect(seen.every((s) => s.due < 3300)).toBe(true);
    for (const [slot, index] of indices.entries())
      expect(seen.filter((s) => s.slot === slot)).toHaveLength(samplesOf(index, 10, 2, 3.3));
  });

  it('plans SOS presses inside the steady phase, from distinct devices', () => {
    const plan = sosPlan(2000, 10, 30);
    expect(new Set(plan.map((p) => p.index)).size).toBe(10);
    expect(plan[0]).toEqual({ index: 100, atMs: 2727 });
    expect(plan.every((p) => p.atMs > 0 && p.atMs < 30_000 && p.index < 2000)).toBe(true);
    expect(sosPlan(3, 3, 10).map((p) => p.index)).toEqual([0, 1, 2]);
  });
});
