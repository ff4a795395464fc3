import { verifySecret } from '@vigil/auth';
import type { Logger } from '@vigil/runtime';
import type { Stores } from '@vigil/stores';
import { DEMO_ACCOUNTS } from './demo.ts';

/**
 * Issue 13 (LOW): "demo passwords survive `DEMO=false` on the same Redis". The demo's passwords are
 * published (README, start-up log); a deployment that once ran the demo on its Redis and then started
 * with `DEMO=false` kept logins anyone could use. At every start without the demo, each demo account
 * that still has its published password is disabled, taken off duty, and every token it holds is
 * revoked (as `PATCH /api/users` `disabled: true` does). An account whose password was changed is a
 * real one now and is left alone. Returns the ids disabled.
 */
export async function retireDemoAccounts(
  stores: Stores,
  now: number,
  maxSessionMs: number,
  logger: Logger,
): Promise<string[]> {
  const retired: string[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const user = await stores.users.getByUsername(account.username);
    if (!user || user.disabled || !(await verifySecret(user.passwordHash, account.password))) continue;
    await stores.revocations.revokeUserTokens(user.id, now, now + maxSessionMs);
    await stores.users.put({ ...user, disabled: true, onDuty: false });
    retired.push(user.id);
  }
  if (retired.length > 0)
    logger.warn(
      { userIds: retired },
      'demo accounts with their published passwords disabled (DEMO=false); reset a password to use one',
    );
  return retired;
}
