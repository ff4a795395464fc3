import { createHash } from 'node:crypto';
import { AUDIT_GENESIS_HASH, type AuditEntry } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import {
  type AuditChainState,
  auditEntryHash,
  canonicalAuditEntry,
  chainAuditEntry,
  type StoredAuditEntry,
  verifyAuditChain,
} from './audit-chain.ts';

const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: `au${i}`,
  at: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
  facilityId: 'f1',
  residentId: 'r1',
  actorId: 'u1',
  actorRole: 'caregiver',
  action: 'vitals.read',
  purpose: 'care',
  outcome: 'allowed',
  ...over,
});

/** The entry stored at index `i` (the test's own data: always there). */
const at = (stored: readonly StoredAuditEntry[], i: number): AuditEntry => stored[i]?.entry as AuditEntry;
const hashAt = (stored: readonly StoredAuditEntry[], i: number): string => at(stored, i).hash as string;

/** `n` entries chained from genesis, with their sequences from 1, and the state a store would keep. */
function chainOf(n: number): { stored: StoredAuditEntry[]; state: AuditChainState } {
  const stored: StoredAuditEntry[] = [];
  let prev = AUDIT_GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e = chainAuditEntry(prev, entry(i));
    stored.push({ seq: i, entry: e, id: e.id });
    prev = e.hash;
  }
  return { stored, state: { from: 1, head: { seq: n, hash: prev }, trimmedThrough: 0 } };
}

describe('audit canonical form', () => {
  it('is JSON with sorted keys, chain fields and absent fields left out, whatever the key order', () => {
    const e = entry(1, { detail: 'task tk_1' });
    const reordered = Object.fromEntries(Object.entries(e).reverse()) as AuditEntry;
    const canonical =
      '{"action":"vitals.read","actorId":"u1","actorRole":"caregiver","at":"2026-01-01T00:00:00.001Z",' +
      '"detail":"task tk_1","facilityId":"f1","id":"au1","outcome":"allowed","purpose":"care","residentId":"r1"}';
    expect(canonicalAuditEntry(e)).toBe(canonical);
    expect(canonicalAuditEntry(reordered)).toBe(canonical);
    expect(canonicalAuditEntry({ ...e, hash: 'a'.repeat(64), prevHash: 'b'.repeat(64) })).toBe(canonical);
    expect(canonicalAuditEntry({ ...e, detail: undefined })).not.toContain('detail');
    const { residentId: _r, ...noResident } = e;
    expect(canonicalAuditEntry(noResident)).not.toContain('residentId');
  });

  it('hashes SHA-256 over prevHash then the canonical entry (docs/security.md, reproducible anywhere)', () => {
    const e = entry(1);
    const expected = createHash('sha256')
      .update(AUDIT_GENESIS_HASH + canonicalAuditEntry(e))
      .digest('hex');
    expect(auditEntryHash(AUDIT_GENESIS_HASH, e)).toBe(expected);
    const chained = chainAuditEntry(AUDIT_GENESIS_HASH, { ...e, hash: 'f'.repeat(64) });
    expect(chained).toEqual({ ...e, prevHash: AUDIT_GENESIS_HASH, hash: expected });
    expect(auditEntryHash('1'.repeat(64), e)).not.toBe(expected);
  });
});

describe('verifyAuditChain', () => {
  it('accepts an intact chain and reports its anchor and head', () => {
    const { stored, state } = chainOf(5);
    expect(verifyAuditChain('f1', stored.toReversed(), state)).toEqual({
      facilityId: 'f1',
      ok: true,
      entries: 5,
      unchained: 0,
      anchor: AUDIT_GENESIS_HASH,
      head: state.head?.hash,
    });
    expect(verifyAuditChain('f1', [], { from: undefined, head: undefined, trimmedThrough: 0 })).toMatchObject({
      ok: true,
      entries: 0,
    });
  });

  it('names an edited entry', () => {
    const { stored, state } = chainOf(5);
    const third = stored[2] as StoredAuditEntry;
    third.entry = { ...at(stored, 2), outcome: 'denied' };
    expect(verifyAuditChain('f1', stored, state)).toMatchObject({
      ok: false,
      brokenAt: 'au3',
      reason: 'hash_mismatch',
    });
  });

  it('names the entry after a deleted, replaced or stripped one', () => {
    const deleted = chainOf(5);
    deleted.stored.splice(1, 1);
    expect(verifyAuditChain('f1', deleted.stored, deleted.state)).toMatchObject({ brokenAt: 'au3', reason: 'missing' });

    const replaced = chainOf(5);
    // Re-hashed so it matches itself and its predecessor, but the next entry still links to the original.
    (replaced.stored[1] as StoredAuditEntry).entry = chainAuditEntry(
      hashAt(replaced.stored, 0),
      entry(2, { outcome: 'denied' }),
    );
    expect(verifyAuditChain('f1', replaced.stored, replaced.state)).toMatchObject({
      brokenAt: 'au3',
      reason: 'link_mismatch',
    });

    const stripped = chainOf(3);
    const { hash: _h, prevHash: _p, ...plain } = at(stripped.stored, 1);
    (stripped.stored[1] as StoredAuditEntry).entry = plain;
    expect(verifyAuditChain('f1', stripped.stored, stripped.state)).toMatchObject({
      brokenAt: 'au2',
      reason: 'unchained',
    });

    const unreadable = chainOf(3);
    (unreadable.stored[0] as StoredAuditEntry).entry = undefined;
    expect(verifyAuditChain('f1', unreadable.stored, unreadable.state)).toMatchObject({
      brokenAt: 'au1',
      reason: 'unreadable',
    });
  });

  it('sees the newest entries deleted against the head', () => {
    const { stored, state } = chainOf(4);
    expect(verifyAuditChain('f1', stored.slice(0, 2), state)).toMatchObject({
      ok: false,
      brokenAt: 'au2',
      reason: 'truncated',
    });
    expect(verifyAuditChain('f1', [], state)).toEqual({
      facilityId: 'f1',
      ok: false,
      entries: 0,
      unchained: 0,
      reason: 'truncated',
    });
  });

  it('starts at the oldest kept entry once retention trimmed the first, and sees the oldest deleted beyond it', () => {
    const { stored, state } = chainOf(5);
    const trimmed = { ...state, trimmedThrough: 2 };
    expect(verifyAuditChain('f1', stored.slice(2), trimmed)).toMatchObject({
      ok: true,
      entries: 3,
      anchor: hashAt(stored, 1),
    });
    // A straggler at or below the mark (trimmed by `at` after a later-appended one) is not checked.
    expect(verifyAuditChain('f1', [stored[0] as StoredAuditEntry, ...stored.slice(2)], trimmed)).toMatchObject({
      ok: true,
      entries: 3,
    });
    expect(verifyAuditChain('f1', stored.slice(3), trimmed)).toMatchObject({
      ok: false,
      brokenAt: 'au4',
      reason: 'missing',
    });
    expect(verifyAuditChain('f1', [], { ...state, trimmedThrough: 5 })).toMatchObject({ ok: true, entries: 0 });
  });

  it('counts entries from before the chain as unchained, and ignores those appended after the head was read', () => {
    const legacy: StoredAuditEntry[] = [1, 2].map((i) => ({ seq: i, entry: entry(100 + i), id: `au${100 + i}` }));
    const { stored } = chainOf(3);
    const shifted = stored.map((s) => ({ ...s, seq: s.seq + 2 }));
    const head = { seq: 4, hash: hashAt(stored, 1) };
    expect(verifyAuditChain('f1', [...legacy, ...shifted], { from: 3, head, trimmedThrough: 0 })).toMatchObject({
      ok: true,
      entries: 2,
      unchained: 2,
    });
    // A chained entry before the chain's start: the chain's record was removed and a new one begun.
    expect(verifyAuditChain('f1', shifted, { from: 5, head: { seq: 5, hash: 'x' }, trimmedThrough: 0 })).toMatchObject({
      ok: false,
      brokenAt: 'au1',
    });
    // Chained entries and no chain record at all.
    expect(verifyAuditChain('f1', stored, { from: undefined, head: undefined, trimmedThrough: 0 })).toMatchObject({
      ok: false,
      brokenAt: 'au1',
      reason: 'link_mismatch',
    });
  });

  it('the first chained entry must start from genesis', () => {
    const e = chainAuditEntry('1'.repeat(64), entry(1));
    const state = { from: 1, head: { seq: 1, hash: e.hash }, trimmedThrough: 0 };
    expect(verifyAuditChain('f1', [{ seq: 1, entry: e, id: e.id }], state)).toMatchObject({
      brokenAt: 'au1',
      reason: 'link_mismatch',
    });
  });
});
