import { afterEach, describe, expect, it } from 'vitest';
import { locale, pickLocale } from './locale.ts';
import { defineMessages, plural } from './messages.ts';

const t = defineMessages(
  {
    title: 'Open alerts',
    count: (p: { n: number }) => `${p.n} ${plural(p.n, 'alert', 'alerts')}`,
  },
  { title: '待处理警报', count: (p) => `${p.n} 条警报` },
);

describe('defineMessages', () => {
  afterEach(() => {
    locale.value = 'en';
  });

  it('answers in the language in force', () => {
    locale.value = 'en';
    expect(t('title')).toBe('Open alerts');
    expect(t('count', { n: 1 })).toBe('1 alert');
    expect(t('count', { n: 3 })).toBe('3 alerts');
    locale.value = 'zh-CN';
    expect(t('title')).toBe('待处理警报');
    expect(t('count', { n: 3 })).toBe('3 条警报');
  });

  it('lists its keys', () => {
    expect(t.keys).toEqual(['title', 'count']);
  });
});

describe('pickLocale', () => {
  it('takes the first language the board speaks', () => {
    expect(pickLocale(['zh-CN', 'en'])).toBe('zh-CN');
    expect(pickLocale(['zh-TW'])).toBe('zh-CN');
    expect(pickLocale(['fr-FR', 'en-GB', 'zh-CN'])).toBe('en');
    expect(pickLocale(['fr-FR'])).toBe('en');
    expect(pickLocale([])).toBe('en');
  });
});
