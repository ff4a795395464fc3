import { describe, expect, it } from 'vitest';
import { isTagValue, toLine } from './line.ts';

describe('line protocol', () => {
  it('writes floats, booleans, the consciousness string and a ms timestamp', () => {
    expect(
      toLine('r1', {
        ts: 1_700_000_000_123,
        hr: 72,
        spo2: 97,
        temp: 36.6,
        steps: 1200,
        consciousness: 'A',
        onOxygen: false,
        worn: true,
      }),
    ).toBe('vitals,resident=r1 consciousness="A",hr=72,onOxygen=F,spo2=97,steps=1200,temp=36.6,worn=T 1700000000123');
  });

  it('tags the facility and escapes tag values', () => {
    expect(toLine('a b,c', { ts: 1, hr: 1 }, 'f=1')).toBe('vitals,facility=f\\=1,resident=a\\ b\\,c hr=1 1');
    expect(toLine(`o'brien`, { ts: 1, hr: 1 })).toBe(`vitals,resident=o'brien hr=1 1`);
  });

  it('refuses what line protocol cannot carry', () => {
    expect(toLine('r1', { ts: 1 })).toBeUndefined();
    expect(toLine('r1', { ts: Number.NaN, hr: 1 })).toBeUndefined();
    expect(toLine('r1', { ts: 1, hr: Number.POSITIVE_INFINITY })).toBeUndefined();
    expect(toLine('', { ts: 1, hr: 1 })).toBeUndefined();
    expect(isTagValue('a\\')).toBe(false);
    expect(isTagValue('a\nb')).toBe(false);
  });
});
