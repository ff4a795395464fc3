import {
  type AuditAction,
  type AuditEntry,
  type AuditOutcome,
  type AuditPurpose,
  auditPurposeOf,
  type Resident,
  toIso,
} from '@vigil/contracts';
import { type Clock, type Logger, newId } from '@vigil/runtime';
import type { AuditStore } from '@vigil/stores';
import type { AuthUser } from './auth-guard.ts';
import { ApiError } from './errors.ts';
import type { GatewayMetrics } from './metrics.ts';

/** The audit actions about accounts rather than residents (contracts `AUDIT_ACTIONS`). */
export type AccountAction = Extract<AuditAction, `account.${string}`>;

export interface AuditOptions {
  /** Entries on their way to a slow store beyond this are logged instead of stored (default 10,000). */
  maxPending?: number;
  /** How long `close()` waits for entries still on their way (default 2 s). */
  flushTimeoutMs?: number;
}

/** The resident an entry is about: its id and facility. */
export type AuditSubject = Pick<Resident, 'id' | 'facilityId'>;

/**
 * What an entry adds to who, what and whom: a `detail` string (the common case), or a detail with a
 * purpose other than the role's, i.e. `emergency` (contract §4.3, see emergency-access.ts).
 */
export type AuditNote = string | { detail?: string; purpose?: AuditPurpose };

/**
 * Writes the audit log (contract §4.2: every read or change of resident health data: who, role, what,
 * which resident, when, purpose). The purpose follows from the role (`auditPurposeOf`), except for an
 * emergency access, whose note says `emergency` (contract §4.3).
 *
 * Recording never fails nor holds up the request it audits: `record` starts the store write and
 * returns at once. Nothing is dropped silently either: a write that fails, or that finds more than
 * `maxPending` writes still on their way, is logged at error level with the whole entry (ids, no
 * health values), so the process log holds it instead, and counted in
 * `vigil_audit_entries_total{result="failed"}`; `flush` (called by the gateway's `close`) waits for
 * the writes in flight before the stores close.
 */
export class AuditRecorder {
  /** Writes in flight, with their entries (logged if still pending at shutdown). */
  private readonly pending = new Map<Promise<void>, AuditEntry>();
  private readonly maxPending: number;
  private readonly flushTimeoutMs: number;

  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly stats: GatewayMetrics,
    opts: AuditOptions = {},
  ) {
    this.maxPending = opts.maxPending ?? 10_000;
    this.flushTimeoutMs = opts.flushTimeoutMs ?? 2_000;
  }

  /** Records one access; never throws, never waits for the store. */
  record(user: AuthUser, resident: AuditSubject, action: AuditAction, outcome: AuditOutcome, note?: AuditNote): void {
    const { detail, purpose } = typeof note === 'string' ? { detail: note, purpose: undefined } : (note ?? {});
    const entry: AuditEntry = {
      id: newId('au'),
      at: toIso(this.clock.now()),
      facilityId: resident.facilityId,
      residentId: resident.id,
      actorId: user.id,
      actorRole: user.role,
      action,
      purpose: purpose ?? auditPurposeOf(user.role),
      outcome,
      ...(detail !== undefined && { detail: detail.slice(0, 500) }),
    };
    this.append(entry);
  }

  /**
   * Records a change of an account (issue 13: creation, approval, disable, password reset): who did it
   * (actor and role), to whom (`detail` names the account), when. An account belongs to no resident;
   * the entry goes into the chain of each facility the account serves, where that facility's managers
   * and admins read it. An account of no facility (an admin) has no chain: the process log keeps it.
   */
  recordAccount(
    actor: AuthUser,
    account: { id: string; facilityIds: readonly string[] },
    action: AccountAction,
    detail: string,
  ): void {
    if (account.facilityIds.length === 0) {
      this.log.info(
        { actorId: actor.id, userId: account.id, action, detail },
        'account change (no facility to audit it in)',
      );
      return;
    }
    for (const facilityId of new Set(account.facilityIds)) this.appendAllowed(actor, facilityId, action, detail);
  }

  /**
   * Records a change of a facility's settings (issue 14, `policy.change`): who (actor and role), what
   * changed (`detail`), when; an entry without resident in the facility's chain.
   */
  recordFacility(actor: AuthUser, facilityId: string, action: 'policy.change', detail: string): void {
    this.appendAllowed(actor, facilityId, action, detail);
  }

  /** An allowed action about no resident, in `facilityId`'s chain: an account change or a settings change. */
  private appendAllowed(
    actor: AuthUser,
    facilityId: string,
    action: AccountAction | 'policy.change',
    detail: string,
  ): void {
    this.append({
      id: newId('au'),
      at: toIso(this.clock.now()),
      facilityId,
      actorId: actor.id,
      actorRole: actor.role,
      action,
      purpose: auditPurposeOf(actor.role),
      outcome: 'allowed',
      detail: detail.slice(0, 500),
    });
  }

  private append(entry: AuditEntry): void {
    if (this.pending.size >= this.maxPending) {
      this.lost(entry, new Error(`${this.pending.size} audit writes still pending`));
      return;
    }
    const write: Promise<void> = Promise.resolve()
      .then(() => this.store.append(entry))
      .then(
        () => this.stats.auditEntry('stored'),
        (err: unknown) => this.lost(entry, err),
      )
      .finally(() => this.pending.delete(write));
    this.pending.set(write, entry);
  }

  /**
   * Runs a read or change of one resident's health data and records it: `allowed` when it succeeds,
   * `denied` when it is refused with 403 (role, consent or zones; the message says which). Anything
   * else (400, 404, 500) showed and changed nothing, and is not recorded.
   */
  async around<T>(
    user: AuthUser,
    resident: AuditSubject,
    action: AuditAction,
    run: () => Promise<T> | T,
    note?: AuditNote | ((result: T) => AuditNote | undefined),
  ): Promise<T> {
    let result: T;
    try {
      result = await run();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'forbidden')
        this.record(user, resident, action, 'denied', err.message);
      throw err;
    }
    this.record(user, resident, action, 'allowed', typeof note === 'function' ? note(result) : note);
    return result;
  }

  /** Waits (at most `flushTimeoutMs`) for the writes in flight; what is left is logged, not lost. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.flushTimeoutMs);
    });
    try {
      await Promise.race([Promise.allSettled([...this.pending.keys()]), timeout]);
    } finally {
      clearTimeout(timer);
    }
    for (const entry of this.pending.values()) {
      this.log.error({ audit: entry }, 'audit entry still not stored at shutdown; this line keeps it');
    }
  }

  private lost(entry: AuditEntry, err: unknown): void {
    this.stats.auditEntry('failed');
    this.log.error({ err, audit: entry }, 'audit entry not stored; this line keeps it');
  }
}
