import { z } from 'zod';
import { Id, IsoTime } from './ids.ts';
import { Role } from './roles.ts';

/**
 * What was read or changed (contract §4.2 "what"). One action per place that serves resident health
 * data: the vitals history, the live vitals stream, the health report, the resident record (it holds
 * the care plan), a care-plan change, a consent change, a task's `context` (latest vitals, NEWS2,
 * trend) and an alert's health content over REST or Socket.IO.
 */
export const AUDIT_ACTIONS = [
  'vitals.read',
  'vitals.live_subscribe',
  'report.read',
  'resident.read',
  'care_plan.change',
  'consent.change',
  'task_context.read',
  /**
   * Extension (issue 13): an alert about the resident handed out with its health content (title,
   * `explanation`) over REST or Socket.IO; one entry per resident per answer, the alert ids in `detail`.
   */
  'alert.read',
  /** Extension (issue 15): the resident's vitals and NEWS2 exported as a FHIR R4 Bundle (contract §4.4). */
  'fhir.export',
  /**
   * Extension (issue 14): a remote consult's note (the doctor's clinical finding, `Task.note`) written
   * (`task_note.write`, on the action that carries it) or handed out with the task over REST or
   * Socket.IO (`task_note.read`); `detail` names the task, never the text.
   */
  'task_note.write',
  'task_note.read',
  /**
   * Extension (issue 13): account changes, written without a resident, into the chain of each facility
   * the account serves: a manager or admin created an account (`detail` names it and its role; a
   * clinical account a manager created says `flag manager_created_clinical`), an admin approved one,
   * `PATCH /api/users/{id}` disabled or enabled it, reset its password, or changed its name or zones.
   */
  'account.create',
  'account.approve',
  'account.disable',
  'account.enable',
  'account.password',
  'account.update',
  /**
   * Extension (issue 14): `PUT /api/facilities/{id}/policy` changed the dispatch and SLA policy;
   * written without a resident into the facility's chain, `detail` the versions and the before and
   * after of each changed field (`version 2→3: ackLimitMs.high 60000→90000`).
   */
  'policy.change',
  /**
   * Extension (issue 15): `POST /api/residents/{id}/transfer` moved the resident to another facility;
   * one entry in each facility's chain, `detail` naming from, to and the device choice (no health value).
   */
  'resident.transfer',
  /**
   * Extension (issue 15): `POST /api/residents/import` created the resident from another deployment's
   * FHIR export; `detail` names the bundle's resident id and how many readings came (no health value).
   */
  'resident.import',
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

/**
 * Why (contract §4.2 "purpose"), derived from the actor's role: the one reason that role has to touch
 * health data at all (contract §4.2 role table). Extension: `emergency`, whatever the role, for a
 * responder who sees the data only because they are assigned to an open `high` alert about the
 * resident, where consent or zones alone would refuse (contract §4.3 emergency access).
 */
export const AuditPurpose = z.enum(['care', 'consult', 'resident_self', 'administration', 'maintenance', 'emergency']);
export type AuditPurpose = z.infer<typeof AuditPurpose>;

const PURPOSE_OF_ROLE: Record<Role, Exclude<AuditPurpose, 'emergency'>> = {
  caregiver: 'care',
  medical: 'consult',
  resident: 'resident_self',
  manager: 'administration',
  admin: 'administration',
  maintenance: 'maintenance',
};

export const auditPurposeOf = (role: Role): AuditPurpose => PURPOSE_OF_ROLE[role];

/** `denied`: the attempt was refused (403: role, consent or zones); nothing was shown or changed. */
export const AuditOutcome = z.enum(['allowed', 'denied']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/**
 * One entry of the audit log (contract §4.2: "who, role, what, which resident, when, purpose"), as
 * `GET /api/audit` returns it. `detail` says which task, which consent fields, why it was denied, or
 * (purpose `emergency`) which alert and task opened the access; it never carries a health value.
 */
/** A SHA-256 digest in lower-case hex: an audit entry's `hash` and `prevHash`. */
export const AuditHash = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * `prevHash` of a facility's first chained entry: no entry before it (docs/security.md "Audit
 * chain").
 */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export const AuditEntry = z.object({
  id: z.string(),
  at: IsoTime,
  facilityId: Id,
  /** Absent only on entries about no resident (the `account.*` actions). */
  residentId: Id.optional(),
  actorId: Id,
  actorRole: Role,
  action: AuditAction,
  purpose: AuditPurpose,
  outcome: AuditOutcome,
  detail: z.string().max(500).optional(),
  /**
   * Extension (issue 13, contract §4.1): the facility's hash chain, set by the store on append.
   * `hash` = SHA-256 over `prevHash` and the entry's canonical form (`canonicalAuditEntry` in
   * @vigil/stores); `prevHash` is the hash of the facility's entry appended before it. Absent on
   * entries written before the chain existed.
   */
  prevHash: AuditHash.optional(),
  hash: AuditHash.optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/**
 * Why `GET /api/audit/verify` found a facility's chain broken (machine-readable):
 * - `hash_mismatch`: the entry does not hash to its `hash` (it was edited);
 * - `link_mismatch`: its `prevHash` is not the hash of the entry appended before it (one was replaced);
 * - `missing`: an entry appended before it is gone (deleted, not trimmed by retention);
 * - `unchained`: an entry without hash where the chain had already started (hash fields stripped);
 * - `unreadable`: the stored entry does not parse;
 * - `truncated`: the newest entries are gone (the chain's recorded head is not the last entry);
 *   `brokenAt` then names the last entry still there, if any.
 */
export const AuditChainBreak = z.enum([
  'hash_mismatch',
  'link_mismatch',
  'missing',
  'unchained',
  'unreadable',
  'truncated',
]);
export type AuditChainBreak = z.infer<typeof AuditChainBreak>;

/**
 * `GET /api/audit/verify?facilityId` (contract §4.1): the facility's chain recomputed from its oldest
 * kept entry. `entries` counts the chained entries checked; `brokenAt` names the first that does not
 * match. Extensions: `reason`; `unchained`, entries from before the chain existed (not checked);
 * `anchor`, the `prevHash` of the oldest kept chained entry (the genesis hash until retention trims
 * the first); `head`, the hash of the newest (record it elsewhere to detect a rewrite of the whole
 * chain).
 */
export const AuditVerification = z.object({
  facilityId: Id,
  ok: z.boolean(),
  entries: z.number().int().nonnegative(),
  brokenAt: z.string().optional(),
  reason: AuditChainBreak.optional(),
  unchained: z.number().int().nonnegative(),
  anchor: AuditHash.optional(),
  head: AuditHash.optional(),
});
export type AuditVerification = z.infer<typeof AuditVerification>;

/** `GET /api/audit` answers at most `limit` entries: 500 unless asked, never more than 5000. */
export const AUDIT_LIST_DEFAULT_LIMIT = 500;
export const AUDIT_LIST_MAX_LIMIT = 5000;
