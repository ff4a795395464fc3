import { describe, expect, it } from 'vitest';
import { rankByUrgency, SETTLE_MS, settleOrder, type WardEntry } from './urgency.ts';

const collator = new Intl.Collator('en', { numeric: true });

function entry(id: string, over: Partial<WardEntry> = {}): WardEntry {
  return {
    id,
    name: id,
    roomId: '1',
    zoneId: 'east',
    alert: undefined,
    highAlertIds: [],
    risk: undefined,
    stale: false,
    notWorn: false,
    ...over,
  };
}

describe('urgency order', () => {
  it('puts high before medium before low alerts, then NEWS2 risk, then stale, then name', () => {
    const list = [
      entry('Zed'),
      entry('Amy'),
      entry('stale', { name: 'Stella', stale: true }),
      entry('news-medium', { name: 'Nora', risk: 'medium' }),
      entry('news-high', { name: 'Hugo', risk: 'high' }),
      entry('low', { name: 'Lou', alert: 'low' }),
      entry('medium', { name: 'Max', alert: 'medium', risk: 'low' }),
      entry('high', { name: 'Ida', alert: 'high', highAlertIds: ['a1'] }),
    ];
    expect(rankByUrgency(list, collator)).toEqual([
      'high',
      'medium',
      'low',
      'news-high',
      'news-medium',
      'stale',
      'Amy',
      'Zed',
    ]);
  });

  it('orders names by the language, not by code point', () => {
    const zh = new Intl.Collator('zh-CN');
    const list = [entry('b', { name: '王芳' }), entry('a', { name: '李明' })];
    expect(rankByUrgency(list, zh)).toEqual(['a', 'b']);
  });
});

describe('settled order', () => {
  const t0 = 1_000_000;

  it('keeps the order when only readings change within the settle time', () => {
    const first = settleOrder(undefined, [entry('a'), entry('b')], t0, collator);
    expect(first.ids).toEqual(['a', 'b']);
    const later = settleOrder(first, [entry('a'), entry('b', { risk: 'high' })], t0 + 30_000, collator);
    expect(later.ids).toEqual(['a', 'b']);
    expect(later.at).toBe(t0);
  });

  it('re-sorts once the settle time has passed', () => {
    const first = settleOrder(undefined, [entry('a'), entry('b')], t0, collator);
    const later = settleOrder(first, [entry('a'), entry('b', { risk: 'high' })], t0 + SETTLE_MS, collator);
    expect(later.ids).toEqual(['b', 'a']);
  });

  it('re-sorts at once for a new high alert, but not for a new medium one', () => {
    const first = settleOrder(undefined, [entry('a'), entry('b'), entry('c')], t0, collator);
    const medium = settleOrder(first, [entry('a'), entry('b'), entry('c', { alert: 'medium' })], t0 + 1_000, collator);
    expect(medium.ids).toEqual(['a', 'b', 'c']);
    const high = settleOrder(
      medium,
      [entry('a'), entry('b'), entry('c', { alert: 'high', highAlertIds: ['h1'] })],
      t0 + 2_000,
      collator,
    );
    expect(high.ids).toEqual(['c', 'a', 'b']);
    expect(high.at).toBe(t0 + 2_000);
    // The same high alert on the next sample is not new: no further re-sort.
    const same = settleOrder(
      high,
      [entry('a', { risk: 'high' }), entry('b'), entry('c', { alert: 'high', highAlertIds: ['h1'] })],
      t0 + 3_000,
      collator,
    );
    expect(same).toBe(high);
  });

  it('forgets a closed high alert, so a new one for the same resident re-sorts again', () => {
    const withHigh = [entry('a'), entry('b', { alert: 'high', highAlertIds: ['h1'] })];
    const first = settleOrder(undefined, withHigh, t0, collator);
    const closed = settleOrder(first, [entry('a'), entry('b')], t0 + 1_000, collator);
    expect(closed.ids).toEqual(['b', 'a']);
    expect(closed.highAlertIds.size).toBe(0);
    const again = settleOrder(closed, withHigh, t0 + 2_000, collator);
    expect(again.at).toBe(t0 + 2_000);
  });

  it('re-sorts when residents join or leave the ward', () => {
    const first = settleOrder(undefined, [entry('b'), entry('c')], t0, collator);
    const joined = settleOrder(first, [entry('a'), entry('b'), entry('c')], t0 + 1_000, collator);
    expect(joined.ids).toEqual(['a', 'b', 'c']);
    const left = settleOrder(joined, [entry('a'), entry('c')], t0 + 2_000, collator);
    expect(left.ids).toEqual(['a', 'c']);
  });
});
