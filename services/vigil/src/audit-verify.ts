import type { AuditVerification } from '@vigil/contracts';
import type { AuditStore } from '@vigil/stores';

/** Exit codes of `pnpm audit:verify`: every chain intact, one broken, or it could not check. */
export const AUDIT_VERIFY_EXIT = { ok: 0, broken: 1, failed: 2 } as const;

/** One line of the report: the facility, then ok or where and why its chain breaks. */
export function formatVerification(v: AuditVerification): string {
  const counts = `entries=${v.entries} unchained=${v.unchained}`;
  if (v.ok) return `${v.facilityId}\tok\t${counts}${v.head ? ` head=${v.head}` : ''}`;
  return `${v.facilityId}\tBROKEN\t${v.reason ?? 'unknown'}${v.brokenAt ? ` at ${v.brokenAt}` : ''}\t${counts}`;
}

/**
 * Verifies the audit chain of each facility asked for (every facility with entries when none is),
 * writes one line per facility (or, with `json`, one JSON object per line), and answers the exit code:
 * 1 as soon as one chain is broken. The `head` printed for an intact chain is worth recording outside
 * Redis: a later run that prints another head for the same entries means the chain was rewritten.
 */
export async function verifyAuditLogs(
  audit: AuditStore,
  facilityIds: readonly string[],
  write: (line: string) => void,
  { json = false }: { json?: boolean } = {},
): Promise<number> {
  const ids = facilityIds.length > 0 ? facilityIds : await audit.facilities();
  let code: number = AUDIT_VERIFY_EXIT.ok;
  for (const id of ids) {
    const v = await audit.verify(id);
    write(json ? JSON.stringify(v) : formatVerification(v));
    if (!v.ok) code = AUDIT_VERIFY_EXIT.broken;
  }
  if (ids.length === 0 && !json) write('no facility has audit entries');
  return code;
}
