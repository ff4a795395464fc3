import { describe, expect, it } from 'vitest';
import { leakedValues, standsAlone } from './clear-text.ts';

describe('standsAlone', () => {
  it('finds a value that stands on its own', () => {
    expect(standsAlone('{"hr":187}', '187')).toBe(true);
    expect(standsAlone('Heart rate high: 187 bpm', 'Heart rate')).toBe(true);
    expect(standsAlone('x {"spo2":79,', '"spo2":79')).toBe(true);
  });
  it('ignores a number inside a timestamp, a hex id or a longer number', () => {
    expect(standsAlone('"ts":"1796487477187"', '187')).toBe(false);
    expect(standsAlone('al_d16b8dadfab34477834c', '83')).toBe(false);
    expect(standsAlone('"spo2":791', '"spo2":79')).toBe(false);
    expect(standsAlone('ab187cd', '187')).toBe(false);
  });
  it('finds a word anywhere, inside longer words too', () => {
    expect(standsAlone('"baselines":[]', 'baseline')).toBe(true);
  });
  it('treats regex characters in the value literally', () => {
    expect(standsAlone('a.b', 'a.b')).toBe(true);
    expect(standsAlone('axb', 'a.b')).toBe(false);
  });
});

describe('leakedValues', () => {
  it('names exactly the values that leaked', () => {
    expect(leakedValues('id 1796487477187, note: insulin 12u', ['187', 'insulin', '12u', 'Ada'])).toEqual([
      'insulin',
      '12u',
    ]);
  });
});
