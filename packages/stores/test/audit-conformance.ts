import { AUDIT_GENESIS_HASH, type AuditEntry } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { auditEntryHash } from '../src/audit-chain.ts';
import type { Stores } from '../src/types.ts';

const DAY = 24 * 3_600_000;

/**
 * The audit log's hash chain (issue 13, contract §4.1), the same for every store: each append links to
 * the facility's previous entry, `verify` recomputes the chain, retention moves its anchor.
 * `make` returns fresh, empty stores whose clock is `now`.
 */
export function auditChainConformance(name: string, make: (now: () => number) => Promise<Stores>) {
  describe(`${name} audit chain`, () => {
    const t0 = Date.UTC(2026, 0, 1);
    const entry = (id: string, over: Partial<AuditEntry> = {}): AuditEntry => ({
      id,
      at: new Date(t0).toISOString(),
      facilityId: 'f1',
      residentId: 'r1',
      actorId: 'u1',
      actorRole: 'caregiver',
      action: 'vitals.read',
      purpose: 'care',
      outcome: 'allowed',
      ...over,
    });

    it('links each facility its own chain from genesis; list shows the chain fields; verify recomputes it', async () => {
      const s = await make(() => t0);
      expect(await s.audit.verify('f1')).toEqual({ facilityId: 'f1', ok: true, entries: 0, unchained: 0 });
      const a = await s.audit.append(entry('a', { hash: 'f'.repeat(64), prevHash: 'e'.repeat(64) }));
      const other = await s.audit.append(entry('x', { facilityId: 'f2' }));
      const b = await s.audit.append(entry('b', { detail: 'task tk_1' }));
      expect(a.prevHash).toBe(AUDIT_GENESIS_HASH);
      expect(a.hash).toBe(auditEntryHash(AUDIT_GENESIS_HASH, entry('a')));
      expect(other.prevHash).toBe(AUDIT_GENESIS_HASH);
      expect(b.prevHash).toBe(a.hash);
      expect(b.hash).toBe(auditEntryHash(a.hash as string, entry('b', { detail: 'task tk_1' })));
      expect(await s.audit.list({ facilityId: 'f1' })).toEqual([b, a]);
      expect(await s.audit.verify('f1')).toEqual({
        facilityId: 'f1',
        ok: true,
        entries: 2,
        unchained: 0,
        anchor: AUDIT_GENESIS_HASH,
        head: b.hash,
      });
      expect(await s.audit.verify('f2')).toMatchObject({ ok: true, entries: 1, head: other.hash });
      expect(await s.audit.facilities()).toEqual(['f1', 'f2']);
    });

    it('takes entries about no resident (account changes): listed by facility, never by resident', async () => {
      const s = await make(() => t0);
      const { residentId: _r, ...account } = entry('acc', { action: 'account.create', actorRole: 'manager' });
      await s.audit.append(entry('r'));
      const appended = await s.audit.append(account);
      expect('residentId' in appended).toBe(false);
      expect((await s.audit.list({ facilityId: 'f1' })).map((e) => e.id)).toEqual(['acc', 'r']);
      expect((await s.audit.list({ residentId: 'r1' })).map((e) => e.id)).toEqual(['r']);
      expect(await s.audit.verify('f1')).toMatchObject({ ok: true, entries: 2 });
    });

    it('keeps the chain under concurrent appends to one facility', async () => {
      const s = await make(() => t0);
      await Promise.all(Array.from({ length: 40 }, (_, i) => s.audit.append(entry(`c${i}`))));
      expect(await s.audit.verify('f1')).toMatchObject({ ok: true, entries: 40 });
    });

    it('retention: verification starts from the oldest kept entry, whose prevHash is the anchor', async () => {
      let now = t0;
      const s = await make(() => now);
      const at = (ms: number) => new Date(ms).toISOString();
      await s.audit.append(entry('old', { at: at(t0) }));
      const old2 = await s.audit.append(entry('old2', { at: at(t0 + 1) }));
      await s.audit.append(entry('mid', { at: at(t0 + 100 * DAY) }));
      now = t0 + 401 * DAY;
      // An entry already past the retention is neither kept nor chained.
      const stale = await s.audit.append(entry('stale', { at: at(t0 - DAY) }));
      expect(stale.hash).toBeUndefined();
      const last = await s.audit.append(entry('new', { at: at(now) }));
      expect((await s.audit.list()).map((e) => e.id)).toEqual(['new', 'mid']);
      expect(await s.audit.verify('f1')).toEqual({
        facilityId: 'f1',
        ok: true,
        entries: 2,
        unchained: 0,
        anchor: old2.hash,
        head: last.hash,
      });
    });
  });
}
