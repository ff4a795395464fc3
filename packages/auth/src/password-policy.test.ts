import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.ts';
import { normaliseUsername, usernameProblem } from './usernames.ts';

describe('password policy (issue 13)', () => {
  it('wants at least 12 characters, counted as code points', () => {
    expect(passwordProblem('short-pw-11')).toBe('password_too_short');
    expect(passwordProblem('twelve chars')).toBeUndefined();
    expect(passwordProblem('密码密码密码密码密码密码')).toBeUndefined();
    expect(passwordProblem('x'.repeat(257))).toBe('password_too_long');
  });

  it('refuses common and breached passwords, whatever the case or separators', () => {
    expect(passwordProblem('password1234')).toBe('password_breached');
    expect(passwordProblem('Password1234')).toBe('password_breached');
    expect(passwordProblem('qwerty123456')).toBe('password_breached');
    expect(passwordProblem('1q2w3e4r5t6y')).toBe('password_breached');
    expect(passwordProblem('correct horse battery')).toBeUndefined();
  });
});

describe('usernames (issue 13)', () => {
  it('normalises to NFKC, so full-width and ligature forms are the plain name', () => {
    expect(normaliseUsername('ａｄｍｉｎ')).toBe('admin');
    expect(normaliseUsername('ﬁona')).toBe('fiona');
  });

  it('refuses letters of two scripts and invisible characters', () => {
    expect(usernameProblem('аdmin')).toBe('username_mixed_script'); // Cyrillic а
    expect(usernameProblem('admin\u200b')).toBe('username_invisible');
    expect(usernameProblem('ad\u202emin')).toBe('username_invisible');
    expect(usernameProblem('carer.east')).toBeUndefined();
    expect(usernameProblem('Иван')).toBeUndefined();
    expect(usernameProblem('田中tanaka')).toBeUndefined();
    expect(usernameProblem('Dr Chen')).toBeUndefined();
  });
});
