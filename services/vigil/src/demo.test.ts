import { passwordProblem, randomDevicePeppers, verifySecret } from '@vigil/auth';
import { ROLES } from '@vigil/contracts';
import { createMemoryStores } from '@vigil/stores';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, seedDemo } from './demo.ts';

describe('demo accounts', () => {
  it('have passwords the password policy accepts (issue 13)', () => {
    for (const a of DEMO_ACCOUNTS) expect(passwordProblem(a.password), a.username).toBeUndefined();
  });

  it('cover every role, so each board can be tried (issue 14)', () => {
    expect(new Set(DEMO_ACCOUNTS.map((a) => a.role))).toEqual(new Set(ROLES));
  });

  it('are seeded with their passwords; the resident account is linked to a seeded resident', async () => {
    const stores = createMemoryStores(() => Date.now());
    await seedDemo(stores, 2, Date.now(), false, { peppers: randomDevicePeppers() });
    for (const a of DEMO_ACCOUNTS) {
      const user = await stores.users.getByUsername(a.username);
      expect(user?.role, a.username).toBe(a.role);
      expect(await verifySecret(user?.passwordHash ?? '', a.password), a.username).toBe(true);
    }
    const resident = await stores.users.getByUsername('resident');
    expect(resident?.residentId).toBe('res-001');
    expect(await stores.residents.get('res-001')).toBeDefined();
  });
});
