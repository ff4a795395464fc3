import { afterEach, describe, expect, it } from 'vitest';
import { locale } from '../i18n/locale.ts';
import { session } from '../session.ts';
import { stateText } from './consult-text.ts';

const doctor = (id: string) => {
  session.value = {
    token: 't',
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    user: { id, role: 'medical', facilityIds: ['f1'] },
  };
};

describe('stateText', () => {
  afterEach(() => {
    session.value = null;
    locale.value = 'en';
  });

  it('says whose consult it is: waiting for you, with a colleague, or open to the team', () => {
    locale.value = 'en';
    doctor('dr1');
    expect(stateText({ state: 'assigned', assigneeId: 'dr1' })).toBe('Waiting for you');
    expect(stateText({ state: 'assigned', assigneeId: 'dr2' })).toBe('With a colleague');
    expect(stateText({ state: 'accepted', assigneeId: 'dr2' })).toBe('With a colleague');
    expect(stateText({ state: 'open' })).toBe('Waiting for a doctor');
    expect(stateText({ state: 'done', assigneeId: 'dr2' })).toBe('Finished');
    locale.value = 'zh-CN';
    expect(stateText({ state: 'accepted', assigneeId: 'dr1' })).toBe('您正在处理');
  });
});
