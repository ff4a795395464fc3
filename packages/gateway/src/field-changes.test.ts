import { describe, expect, it } from 'vitest';
import { describeChanges, fieldChanges } from './field-changes.ts';

describe('fieldChanges', () => {
  it('lists only the leaves that differ, in dotted paths', () => {
    const before = { ackLimitMs: { high: 60_000, low: 5 }, escalation: [{ target: 'a' }, { target: 'b' }] };
    const after = { ackLimitMs: { high: 90_000, low: 5 }, escalation: [{ target: 'a' }] };
    expect(fieldChanges(before, after)).toEqual([
      { path: 'ackLimitMs.high', before: 60_000, after: 90_000 },
      { path: 'escalation.1', before: { target: 'b' }, after: undefined },
    ]);
    expect(describeChanges(fieldChanges(before, after))).toBe(
      'ackLimitMs.high 60000→90000; escalation.1 {"target":"b"}→(none)',
    );
  });

  it('finds fields added or removed and nothing between equal objects', () => {
    expect(fieldChanges({ a: 1 }, { a: 1 })).toEqual([]);
    expect(fieldChanges({}, { thresholds: { hr: { high: 120 } } }).map((c) => c.path)).toEqual(['thresholds']);
    expect(fieldChanges({ onOxygen: true }, {}).map((c) => c.path)).toEqual(['onOxygen']);
  });
});
