import { describe, expect, it } from 'vitest';
import { evictedByPending, mergeRange, newestPerField, withPendingLatest } from './vitals-pending.ts';

describe('vitals points pending a write-out', () => {
  it('sends one value per latest field: the newest by device time, the later appended of equal times', () => {
    const fields = newestPerField([
      { ts: 3, hr: 70, worn: true },
      { ts: 1, hr: 60, spo2: 95 },
      { ts: 3, hr: 72 },
    ]);
    expect(Object.fromEntries(fields)).toEqual({
      hr: { v: 72, ts: 3, from: 2 },
      spo2: { v: 95, ts: 1, from: 1 },
      worn: { v: true, ts: 3, from: 0 },
    });
  });

  it('applies pending values over stored ones only when at least as recent', () => {
    const stored = { residentId: 'r1', values: { hr: { v: 80, ts: 5 }, spo2: { v: 97, ts: 1 } } };
    expect(withPendingLatest('r1', stored, [{ ts: 3, hr: 70, spo2: 96 }])).toEqual({
      residentId: 'r1',
      values: { hr: { v: 80, ts: 5 }, spo2: { v: 96, ts: 3 } },
    });
    expect(withPendingLatest('r2', undefined, [])).toBeUndefined();
    expect(withPendingLatest('r2', undefined, [{ ts: 1 }])).toEqual({ residentId: 'r2', values: {} });
  });

  it('drops the oldest of stored and pending points beyond the capacity, stored first on equal times', () => {
    const head = [
      { member: 'a', ts: 1 },
      { member: 'b', ts: 4 },
    ];
    const pending = [{ ts: 9 }, { ts: 4 }, { ts: 2 }];
    // 4 stored + 3 pending, capacity 4: three go, in order a(1), pending #2 (2), then b(4) before pending #1 (4).
    const evicted = evictedByPending(4, head, pending, 4);
    expect([...evicted.members]).toEqual(['a', 'b']);
    expect([...evicted.pending]).toEqual([2]);
    expect(evictedByPending(1, head.slice(0, 1), pending, 10).members.size).toBe(0);
  });

  it('merges stored and pending points by device time, stored first on equal times, within the range', () => {
    const stored = [
      { ts: 1, point: { ts: 1, hr: 1 } },
      { ts: 5, point: { ts: 5, hr: 2 } },
    ];
    expect(
      mergeRange(
        stored,
        [
          { ts: 5, hr: 3 },
          { ts: 0, hr: 4 },
          { ts: 3, hr: 5 },
        ],
        1,
        5,
      ),
    ).toEqual([
      { ts: 1, hr: 1 },
      { ts: 3, hr: 5 },
      { ts: 5, hr: 2 },
      { ts: 5, hr: 3 },
    ]);
  });
});
