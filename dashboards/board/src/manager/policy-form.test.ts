import { DEFAULT_POLICY, type FacilityPolicy } from '@vigil/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { locale } from '../i18n/locale.ts';
import { fieldErrors, policyBody, policyTexts, versionChanges } from './policy-form.ts';

const policy: FacilityPolicy = { facilityId: 'f1', version: 1, ...structuredClone(DEFAULT_POLICY) };

describe('policy form', () => {
  beforeEach(() => {
    locale.value = 'en';
  });

  it('shows times in minutes and sends them back as milliseconds unchanged', () => {
    const texts = policyTexts(policy);
    expect(texts['ackLimitMs.high']).toBe('1');
    expect(texts['staffRepeatedOverdue.count']).toBe('3');
    const out = policyBody(policy, { ...texts, 'ackLimitMs.high': '1.5' });
    expect('body' in out && out.body.ackLimitMs?.high).toBe(90_000);
    expect('body' in out && out.body.escalation).toEqual(DEFAULT_POLICY.escalation);
  });

  it('keeps the exact value of a field left as shown, even one that minutes cannot show exactly', () => {
    const oneSecond: FacilityPolicy = {
      ...structuredClone(policy),
      ackLimitMs: { high: 1000, medium: 300_000, low: 1_800_000 },
    };
    const texts = policyTexts(oneSecond);
    expect(texts['ackLimitMs.high']).toBe('0.017');
    const out = policyBody(oneSecond, texts);
    expect('body' in out && out.body.ackLimitMs?.high).toBe(1000);
  });

  it('refuses a field that is not a number before asking the server', () => {
    const out = policyBody(policy, { ...policyTexts(policy), 'completeLimitMs.onsite_check': 'soon' });
    expect(out).toEqual({ errors: { 'completeLimitMs.onsite_check': 'Enter a number.' } });
  });

  it("puts the server's problems next to their fields in plain words, in either path form", () => {
    expect(
      fieldErrors([
        { path: 'completeLimitMs.onsite_check', message: 'must not be shorter than the accept limit' },
        { path: '/ackLimitMs/high', message: 'Too small: expected number to be >=1000' },
      ]),
    ).toEqual({
      'completeLimitMs.onsite_check': 'Must not be shorter than the time to take the task.',
      'ackLimitMs.high': 'Too small for this field.',
    });
    locale.value = 'zh-CN';
    expect(fieldErrors([{ path: 'x', message: '?' }])).toEqual({ x: '此处不允许这个数值。' });
  });

  it('says what changed between two versions', () => {
    const next = structuredClone(policy);
    next.ackLimitMs.high = 90_000;
    next.version = 2;
    expect(versionChanges(policy, next)).toEqual(['Answer an alarm within — Urgent alarm: 60 s → 1.5 min']);
  });
});
