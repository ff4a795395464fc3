import type { Alert } from '@vigil/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { alertTitle, whySentence } from './alert-text.ts';
import { ApiError, describeError } from './api.ts';
import { locale } from './i18n/locale.ts';

type TitleInput = Parameters<typeof alertTitle>[0];
const alert = (
  kind: Alert['kind'],
  inputs: Record<string, unknown>,
  priority: Alert['priority'] = 'high',
): TitleInput => ({
  kind,
  priority,
  raisedAt: '2026-01-01T10:00:00.000Z',
  explanation: { rule: 'r@1', condition: 'c', inputs },
});

describe('alertTitle', () => {
  afterEach(() => {
    locale.value = 'en';
  });

  it('says the vital, the direction and the value, in either language', () => {
    const a = alert('vital.hr_high', { hr: 135 });
    expect(alertTitle(a)).toBe('Heart rate high: 135 bpm');
    locale.value = 'zh-CN';
    expect(alertTitle(a)).toBe('心率偏高：135 次/分');
    expect(alertTitle(alert('vital.spo2_low', { spo2: 88 }))).toBe('血氧偏低：88%');
  });

  it('names the kind alone when the values are not shared with this viewer', () => {
    expect(alertTitle(alert('vital.temp_high', {}))).toBe('Temperature high');
    locale.value = 'zh-CN';
    expect(alertTitle(alert('sos', {}))).toBe('按下了求助按钮');
  });

  it('says what a NEWS2 score asks for, by its risk band', () => {
    const news2 = (score: number, risk: string) => ({ news2: { score, risk } });
    expect(alertTitle(alert('news2', news2(8, 'high')))).toBe('NEWS2 score 8: needs emergency assessment');
    expect(alertTitle(alert('news2', news2(5, 'medium'), 'medium'))).toBe('NEWS2 score 5: needs urgent assessment');
    locale.value = 'zh-CN';
    expect(alertTitle(alert('news2', news2(3, 'low_medium'), 'medium'))).toBe('NEWS2 评分 3：有一项体征严重异常');
  });

  it('reads inactivity as how long since the last movement', () => {
    const a = alert('resident.inactivity', { lastMoveAt: '2026-01-01T07:00:00.000Z' }, 'medium');
    expect(alertTitle(a)).toBe('No movement for 3 h 0 min');
    locale.value = 'zh-CN';
    expect(alertTitle(a)).toBe('已 3 小时 0 分钟未活动');
  });
});

describe('whySentence', () => {
  it('names the furthest limit the value reached', () => {
    const limits = { high: 110, criticalHigh: 130, critical: { high: 150 } };
    expect(whySentence('vital.hr_high', { condition: 'c', inputs: { hr: 120, limits } })).toBe(
      'Heart rate 120 bpm is at or above the alert limit of 110 bpm.',
    );
    expect(whySentence('vital.hr_high', { condition: 'c', inputs: { hr: 155, limits } })).toBe(
      'Heart rate 155 bpm is at or above the danger limit of 150 bpm.',
    );
  });

  it('still explains an event when the values are withheld', () => {
    expect(
      whySentence('fall', { condition: "withheld: the resident's consent does not cover your role", inputs: {} }),
    ).toBe('The wearable detected a fall.');
  });
});

describe('describeError', () => {
  afterEach(() => {
    locale.value = 'en';
  });

  it('keeps the server’s own words in English and says the error code in Chinese', () => {
    const err = new ApiError(403, 'forbidden', 'role maintenance may not do this');
    expect(describeError(err)).toBe('role maintenance may not do this');
    locale.value = 'zh-CN';
    expect(describeError(err)).toBe('您的角色无权执行此操作');
    expect(describeError(new ApiError(418, 'teapot', 'short and stout'))).toBe('short and stout');
  });
});
