import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles from the initial delay, jittered between half and all of it', () => {
    const opts = { initialMs: 100, maxMs: 10_000 };
    expect(backoffDelay(0, opts, () => 0)).toBe(50);
    expect(backoffDelay(0, opts, () => 1)).toBe(100);
    expect(backoffDelay(3, opts, () => 0)).toBe(400);
    expect(backoffDelay(3, opts, () => 1)).toBe(800);
  });

  it('never exceeds the maximum, however many attempts failed', () => {
    expect(backoffDelay(1000, { initialMs: 100, maxMs: 5000 }, () => 1)).toBe(5000);
    expect(backoffDelay(1000, { initialMs: 100, maxMs: 5000 }, () => 0)).toBe(2500);
  });

  it('defaults to 500 ms doubling up to 30 s', () => {
    expect(backoffDelay(0, {}, () => 1)).toBe(500);
    expect(backoffDelay(20, {}, () => 1)).toBe(30_000);
  });
});
