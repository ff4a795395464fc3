import { createHash } from 'node:crypto';
import { AUDIT_GENESIS_HASH, type AuditChainBreak, type AuditEntry, type AuditVerification } from '@vigil/contracts';

/*
 * The audit log's hash chain (issue 13, contract §4.1; docs/security.md "Audit chain"): the one
 * definition the stores write with and verify against.
 *
 * Per facility, every entry carries `prevHash`, the `hash` of the facility's entry appended before it
 * (`AUDIT_GENESIS_HASH` for the first), and `hash` = SHA-256, lower-case hex, over the UTF-8 bytes of
 * `prevHash` (64 hex characters) followed directly by the entry's canonical form. Editing an entry
 * changes its hash; deleting or replacing one breaks the link of the next; deleting the newest is
 * seen against the head the store keeps.
 */

/** The chain fields, never part of what is hashed. */
type ChainFields = 'hash' | 'prevHash';

/**
 * An entry's canonical form: JSON of its fields other than `hash` and `prevHash`, keys sorted by UTF-16
 * code unit (JavaScript's default sort), no whitespace, absent optional fields left out (never
 * `null`). Entries are flat (every value a string), so this is deterministic wherever it is computed.
 */
export function canonicalAuditEntry(entry: AuditEntry): string {
  const fields = Object.keys(entry)
    .filter((k) => k !== 'hash' && k !== 'prevHash' && entry[k as keyof AuditEntry] !== undefined)
    .sort();
  return JSON.stringify(entry, fields);
}

/** SHA-256 over `prevHash` and the canonical entry: what the entry's `hash` must be. */
export function auditEntryHash(prevHash: string, entry: AuditEntry): string {
  return createHash('sha256').update(prevHash, 'utf8').update(canonicalAuditEntry(entry), 'utf8').digest('hex');
}

/** The entry as the chain stores it: linked to `prevHash`, its own hash set. */
export function chainAuditEntry(
  prevHash: string,
  entry: AuditEntry,
): AuditEntry & Required<Pick<AuditEntry, ChainFields>> {
  const { hash: _h, prevHash: _p, ...plain } = entry;
  return { ...plain, prevHash, hash: auditEntryHash(prevHash, plain) };
}

/** One stored entry of a facility, at its position in append order (the facility's sequence, from 1). */
export interface StoredAuditEntry {
  seq: number;
  /** Undefined: the stored form does not parse (`unreadable`). */
  entry: AuditEntry | undefined;
  /** The entry's id, as far as it can be told without parsing (for naming an unreadable one). */
  id: string;
}

/** What the store knows of a facility's chain besides its entries. */
export interface AuditChainState {
  /** Sequence of the facility's first chained entry; earlier entries predate the chain. Undefined: no chain yet. */
  from: number | undefined;
  /** The newest chained entry when the entries were read: its sequence and hash. */
  head: { seq: number; hash: string } | undefined;
  /** Highest sequence retention has trimmed (0: none): the chain is checked from the entry after it. */
  trimmedThrough: number;
}

/**
 * Recomputes a facility's chain over its stored entries (any order) and names the first entry that
 * does not match. Entries appended after `head` are left out (appended while the entries were read).
 * The oldest kept chained entry is the anchor: its `prevHash` is taken as given, since the entry it
 * names may have been trimmed by retention; every later link is checked, and the sequence numbers
 * must run without a gap from the one after `trimmedThrough`, so deleting the oldest entries shows too.
 */
export function verifyAuditChain(
  facilityId: string,
  stored: readonly StoredAuditEntry[],
  state: AuditChainState,
): AuditVerification {
  const sorted = [...stored].sort((a, b) => a.seq - b.seq);
  const from = state.from ?? Number.POSITIVE_INFINITY;
  const headSeq = state.head?.seq ?? 0;
  let unchained = 0;
  const chained: StoredAuditEntry[] = [];
  const broken = (s: StoredAuditEntry, reason: AuditChainBreak): AuditVerification => ({
    facilityId,
    ok: false,
    entries: chained.length,
    brokenAt: s.id,
    reason,
    unchained,
  });
  for (const s of sorted) {
    if (s.seq < from) {
      // Before the chain started: only entries without chain fields belong there. A chained one means
      // the chain's record was removed (and a new chain started after it) or an entry was planted.
      if (s.entry === undefined) return broken(s, 'unreadable');
      if (s.entry.hash !== undefined) return broken(s, 'link_mismatch');
      unchained++;
    } else if (s.seq > state.trimmedThrough && s.seq <= headSeq) {
      chained.push(s);
    }
    // Otherwise: trimmed by retention already (at or below `trimmedThrough`; the store hides it), or
    // appended after the head was read.
  }
  const result = { facilityId, unchained };
  if (state.head === undefined) return { ...result, ok: true, entries: 0 };

  let expectedSeq = Math.max(state.from ?? 1, state.trimmedThrough + 1);
  let prev: string | undefined;
  let anchor: string | undefined;
  let last: StoredAuditEntry | undefined;
  for (const s of chained) {
    const e = s.entry;
    if (e === undefined) return broken(s, 'unreadable');
    if (s.seq !== expectedSeq) return broken(s, 'missing');
    if (e.hash === undefined || e.prevHash === undefined) return broken(s, 'unchained');
    if (auditEntryHash(e.prevHash, e) !== e.hash) return broken(s, 'hash_mismatch');
    if (prev === undefined) anchor = e.prevHash;
    else if (e.prevHash !== prev) return broken(s, 'link_mismatch');
    if (s.seq === state.from && e.prevHash !== AUDIT_GENESIS_HASH) return broken(s, 'link_mismatch');
    prev = e.hash;
    last = s;
    expectedSeq++;
  }
  const trimmedAll = state.trimmedThrough >= state.head.seq;
  if (!trimmedAll && (last === undefined || last.seq !== state.head.seq || prev !== state.head.hash)) {
    return {
      ...result,
      ok: false,
      entries: chained.length,
      ...(last !== undefined && { brokenAt: last.id }),
      reason: 'truncated',
    };
  }
  return {
    ...result,
    ok: true,
    entries: chained.length,
    ...(anchor !== undefined && { anchor }),
    ...(prev !== undefined && { head: prev }),
  };
}
