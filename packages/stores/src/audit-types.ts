import type { AuditEntry, AuditVerification } from '@vigil/contracts';

export interface AuditFilter {
  facilityId?: string;
  /** Undefined: every facility; empty: none. */
  facilityIds?: readonly string[];
  residentId?: string;
  /** Epoch ms, inclusive, on `at`. */
  from?: number;
  to?: number;
  /** At most this many (default `AUDIT_LIST_DEFAULT_LIMIT`, 500). */
  limit?: number;
}

/**
 * The audit log (contract §4.2: every read or change of resident health data). Append-only: an entry
 * is never changed, and leaves only by retention (by `at`, against the store's clock; 400 days by
 * default) or, in memory, by the count cap. Hash-chained per facility (audit-chain.ts): `append` links
 * the entry to the facility's previous one atomically, however many processes append at once.
 */
export interface AuditStore {
  /** Appends the entry (any `hash`/`prevHash` it carries is replaced) and answers it as chained. */
  append(entry: AuditEntry): Promise<AuditEntry>;
  /** Newest first by `at`; entries of the same millisecond, the later appended first. */
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
  /** Recomputes the facility's chain over its kept entries (`verifyAuditChain`). */
  verify(facilityId: string): Promise<AuditVerification>;
  /** The facilities with audit entries (what `pnpm audit:verify` checks). */
  facilities(): Promise<string[]>;
}

/**
 * Audit entries are kept this long by default: a year of look-back for an annual review, and more
 * than the six months China's Cybersecurity Law (art. 21) asks of network logs.
 */
export const AUDIT_RETENTION_MS = 400 * 24 * 3_600_000;
