import { passwordProblem } from '@vigil/auth';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from './demo.ts';

describe('demo accounts', () => {
  it('have passwords the password policy accepts (issue 13)', () => {
    for (const a of DEMO_ACCOUNTS) expect(passwordProblem(a.password), a.username).toBeUndefined();
  });
});
