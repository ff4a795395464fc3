import type { ReportBaseline } from '@vigil/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { locale } from '../i18n/locale.ts';
import { activeBaselineLimit, baselineText } from './baseline-text.ts';

const MIN = 60_000;
/** The baseline the import test learns: 136 resting readings over 2 h 15 min around 60 bpm. */
const learned: ReportBaseline = {
  vital: 'hr',
  context: 'resting',
  unit: '/min',
  mean: 60,
  sd: 1.6,
  limit: 80,
  samples: 136,
  learningSince: '2026-12-06T01:00:00.000Z',
  lastLearnedAt: '2026-12-06T03:15:00.000Z',
  learnedMs: 135 * MIN,
  warmupMs: 120 * MIN,
  state: 'active',
};

describe('baselineText', () => {
  afterEach(() => {
    locale.value = 'en';
  });

  it('says the usual resting pulse, its spread, the limit and what it was learned from', () => {
    locale.value = 'en';
    expect(baselineText(learned)).toBe(
      'Usual resting pulse 60 bpm (±1.6), alerts above 80 bpm · learned from 136 readings over 2 h 15 min',
    );
    // A limit between whole beats is shown as the rule holds it; a memory older than the count says the span only.
    expect(baselineText({ ...learned, limit: 80.4, samples: null })).toBe(
      'Usual resting pulse 60 bpm (±1.6), alerts above 80.4 bpm · learned over 2 h 15 min',
    );
    locale.value = 'zh-CN';
    expect(baselineText(learned)).toBe(
      '平时静息心率 60 次/分（±1.6），超过 80 次/分 提醒 · 依据 136 次测量，历时 2 小时 15 分钟',
    );
  });

  it('says a baseline still learning is not used yet, and how far it has got', () => {
    const young = { ...learned, state: 'warming_up' as const, samples: 40, learnedMs: 45 * MIN };
    locale.value = 'en';
    expect(baselineText(young)).toBe(
      'Still learning the usual resting pulse (40 readings over 45 min so far, needs 2 h 0 min)',
    );
    expect(baselineText({ ...young, samples: 1, learnedMs: 0 })).toContain('(1 reading over 0 s so far');
    locale.value = 'zh-CN';
    expect(baselineText(young)).toBe('仍在了解平时的静息心率（目前 40 次测量，历时 45 分钟，需要 2 小时 0 分钟）');
  });

  it('says a baseline turned off is kept but not used', () => {
    locale.value = 'en';
    expect(baselineText({ ...learned, state: 'disabled' })).toBe(
      'Usual resting pulse alerts are turned off by the care plan or the facility’s rules (learned 60 bpm, ±1.6, kept for later)',
    );
  });

  it('draws only a baseline the rules judge against now', () => {
    expect(activeBaselineLimit([learned], 'hr')).toBe(80);
    expect(activeBaselineLimit([learned], 'spo2')).toBeUndefined();
    expect(activeBaselineLimit([{ ...learned, state: 'warming_up' }], 'hr')).toBeUndefined();
    expect(activeBaselineLimit([{ ...learned, state: 'disabled' }], 'hr')).toBeUndefined();
    expect(activeBaselineLimit(undefined, 'hr')).toBeUndefined();
  });
});
