import { afterEach, describe, expect, it } from 'vitest';
import { news2Headline, news2Subscores } from '../consult/news2-text.ts';
import { t } from './consult.ts';
import { locale } from './locale.ts';

/** Every parameter any consult message takes, so each one can be rendered. */
const PARAMS = { n: 2, gaps: 1, open: 1, room: '7', hours: 6, reason: 'offline', time: '10:05', have: 4, vital: 'x' };
// biome-ignore lint/suspicious/noExplicitAny: one call shape for messages with and without parameters
const render = (key: string) => (t as any)(key, PARAMS) as string;

describe('consult catalogue', () => {
  afterEach(() => {
    locale.value = 'en';
  });

  it('renders every message in English and Chinese, the Chinese one actually Chinese', () => {
    for (const key of t.keys) {
      locale.value = 'en';
      const en = render(key);
      locale.value = 'zh-CN';
      const zh = render(key);
      expect(en.length, key).toBeGreaterThan(0);
      expect(zh, key).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('names NEWS2 and its sub-scores in plain words', () => {
    const n = {
      score: 4,
      risk: 'low_medium' as const,
      partial: true,
      missing: ['rr', 'air', 'consciousness'] as never[],
    };
    locale.value = 'en';
    expect(news2Headline(n)).toBe('4 · Risk: Low to medium (from 4 of 7 measures)');
    expect(news2Subscores({ subscores: { spo2: 3, hr: 1 } })).toBe('Oxygen 3 · Heart rate 1');
    locale.value = 'zh-CN';
    expect(news2Headline({ ...n, partial: false })).toBe('4 · 风险：中低');
    expect(news2Subscores({ subscores: { spo2: 3, hr: 1 } })).toBe('血氧 3 · 心率 1');
  });
});
