import { afterEach, describe, expect, it } from 'vitest';
import { LOCALES, locale } from './locale.ts';
import { tWard } from './ward.ts';

/** Parameters every message of the catalogue may ask for. */
const PARAMS = { label: 'X', n: 3, shown: 2, total: 5, room: '12', zone: 'East', level: 'L', title: 'T', more: 1 };
const MORE = { min: 4, s: 30, score: 5, risk: 'r', list: 'a, b', name: 'Ada' };

describe('ward strings', () => {
  afterEach(() => {
    locale.value = 'en';
  });

  it.each(LOCALES)('has every message in %s, none empty', (l) => {
    locale.value = l;
    for (const key of tWard.keys) {
      const message = tWard.catalogues[l][key];
      const text = typeof message === 'function' ? message({ ...PARAMS, ...MORE }) : message;
      expect(text, key).toBeTruthy();
      expect(text, key).not.toContain('undefined');
    }
  });

  it('says the room the way each language does', () => {
    locale.value = 'en';
    expect(tWard('room', { room: '12', zone: 'East wing' })).toBe('Room 12 · East wing');
    locale.value = 'zh-CN';
    expect(tWard('room', { room: '12', zone: '东区' })).toBe('12 号房 · 东区');
    expect(tWard('shown', { shown: 2, total: 5 })).toBe('2 / 5 位');
  });
});
