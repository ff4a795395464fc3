import { afterEach, describe, expect, it } from 'vitest';
import { locale } from './locale.ts';
import { tt } from './alert-task.ts';

const WHO = { name: 'Li Na', you: false };

describe('alert ↔ task catalogue', () => {
  afterEach(() => {
    locale.value = 'en';
  });

  it('renders every key in both languages, Chinese never falling back to English', () => {
    for (const key of tt.keys) {
      const params = { ...WHO, level: 'x', label: 'x' };
      locale.value = 'en';
      const en = (tt as (k: string, p: unknown) => string)(key, params);
      locale.value = 'zh-CN';
      const zh = (tt as (k: string, p: unknown) => string)(key, params);
      expect(en, key).not.toBe('');
      expect(zh, key).not.toBe(en);
      expect(zh, key).toMatch(/[\u4e00-\u9fff]|（x）|x：/);
    }
  });

  it('speaks to the user as "you" and names a colleague', () => {
    expect(tt('taskAccepted', { name: '', you: true })).toBe('You are on your way');
    expect(tt('taskAccepted', WHO)).toBe('Li Na is on the way');
    locale.value = 'zh-CN';
    expect(tt('taskInProgress', WHO)).toBe('Li Na已在现场');
  });

  it('uses no engineering words', () => {
    for (const key of tt.keys) {
      const text = (tt as (k: string, p: unknown) => string)(key, { ...WHO, level: 'x', label: 'x' });
      expect(text, key).not.toMatch(/\back\b|acknowledg|\bid\b|task|resolve/i);
    }
  });
});
