import { afterEach, describe, expect, it } from 'vitest';
import {
  argon2Stats,
  defaultArgon2Limits,
  hashSecret,
  limitArgon2,
  verifyAgainstDecoy,
  verifySecret,
} from './secrets.ts';
import { WorkGateBusyError } from './work-gate.ts';

describe('argon2id behind the work gate', () => {
  afterEach(() => limitArgon2(defaultArgon2Limits()));

  it('a full gate rejects with busy: "not checked", never "wrong password"', async () => {
    const stored = await hashSecret('correct horse battery');
    await verifyAgainstDecoy('warm-up'); // the decoy hash exists from here on
    limitArgon2({ maxConcurrent: 1, maxQueued: 0 });
    const first = verifySecret(stored, 'correct horse battery');
    const second = verifySecret(stored, 'correct horse battery');
    const decoy = verifyAgainstDecoy('anything').catch((err: unknown) => err);
    await expect(second).rejects.toBeInstanceOf(WorkGateBusyError);
    expect(await first).toBe(true);
    // The decoy is made outside the gate, but verifying against it waits its turn like any other.
    expect(await decoy).toBeInstanceOf(WorkGateBusyError);
    expect(argon2Stats().refused).toBeGreaterThanOrEqual(2);
    expect(await verifyAgainstDecoy('anything')).toBe(false);
  });

  it('defaults to at least one at a time and a bounded queue', () => {
    const { maxConcurrent, maxQueued, maxWaitMs } = defaultArgon2Limits();
    expect(maxConcurrent).toBeGreaterThanOrEqual(1);
    expect(maxQueued).toBe(8 * maxConcurrent);
    expect(maxWaitMs).toBe(500);
  });
});
