import type { AuditEntry } from '@vigil/contracts';
import { createMemoryStores } from '@vigil/stores';
import { describe, expect, it } from 'vitest';
import { AUDIT_VERIFY_EXIT, verifyAuditLogs } from './audit-verify.ts';

const entry = (id: string, facilityId: string): AuditEntry => ({
  id,
  at: new Date().toISOString(),
  facilityId,
  residentId: 'r1',
  actorId: 'u1',
  actorRole: 'caregiver',
  action: 'vitals.read',
  purpose: 'care',
  outcome: 'allowed',
});

describe('pnpm audit:verify', () => {
  it('prints one line per facility and exits 0 while every chain holds', async () => {
    const { audit } = createMemoryStores();
    await audit.append(entry('a', 'f1'));
    const last = await audit.append(entry('b', 'f2'));
    const lines: string[] = [];
    expect(await verifyAuditLogs(audit, [], (l) => lines.push(l))).toBe(AUDIT_VERIFY_EXIT.ok);
    expect(lines).toEqual([
      expect.stringMatching(/^f1\tok\tentries=1 unchained=0 head=[0-9a-f]{64}$/),
      `f2\tok\tentries=1 unchained=0 head=${last.hash}`,
    ]);
  });

  it('exits 1 and names where a chain breaks; --json prints the verification', async () => {
    const { audit } = createMemoryStores();
    const broken = {
      ...audit,
      facilities: () => audit.facilities(),
      verify: async (facilityId: string) => ({
        facilityId,
        ok: false,
        entries: 3,
        unchained: 0,
        brokenAt: 'au2',
        reason: 'hash_mismatch' as const,
      }),
    };
    const lines: string[] = [];
    expect(await verifyAuditLogs(broken as typeof audit, ['f1'], (l) => lines.push(l))).toBe(AUDIT_VERIFY_EXIT.broken);
    expect(lines).toEqual(['f1\tBROKEN\thash_mismatch at au2\tentries=3 unchained=0']);
    const json: string[] = [];
    await verifyAuditLogs(broken as typeof audit, ['f1'], (l) => json.push(l), { json: true });
    expect(JSON.parse(json[0] as string)).toMatchObject({ ok: false, brokenAt: 'au2' });
  });
});
