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
export const AuditEntry = z.object({
  id: z.string(),
  at: IsoTime,
  facilityId: Id,
  residentId: Id,
  actorId: Id,
  actorRole: Role,
  action: AuditAction,
  purpose: AuditPurpose,
  outcome: AuditOutcome,
  detail: z.string().max(500).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** `GET /api/audit` answers at most `limit` entries: 500 unless asked, never more than 5000. */
export const AUDIT_LIST_DEFAULT_LIMIT = 500;
export const AUDIT_LIST_MAX_LIMIT = 5000;
