import { z } from 'zod';
import { Id, IsoTime } from './ids.ts';
import { Priority, ResolveOutcome } from './alert.ts';

export const TaskKind = z.enum(['onsite_check', 'remote_consult', 'facility_maintenance']);
export type TaskKind = z.infer<typeof TaskKind>;
export const TaskRole = z.enum(['caregiver', 'medical', 'maintenance']);
export type TaskRole = z.infer<typeof TaskRole>;
export const TaskState = z.enum(['open', 'assigned', 'accepted', 'in_progress', 'done', 'cancelled']);
export type TaskState = z.infer<typeof TaskState>;

/** Task (contract §3.2). */
export const Task = z.object({
  id: z.string(),
  facilityId: Id,
  kind: TaskKind,
  role: TaskRole,
  priority: Priority,
  state: TaskState,
  alertId: z.string().optional(),
  residentId: Id.optional(),
  zoneId: Id.optional(),
  roomId: Id.optional(),
  assigneeId: Id.optional(),
  createdAt: IsoTime,
  assignedAt: IsoTime.optional(),
  acceptedAt: IsoTime.optional(),
  startedAt: IsoTime.optional(),
  completedAt: IsoTime.optional(),
  acceptBy: IsoTime,
  completeBy: IsoTime,
  escalationLevel: z.number().int().nonnegative(),
  note: z.string().optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  /** Extension: when the assignee's board showed the alert (Socket.IO `receipt`, IHE ACM delivery). */
  deliveredAt: IsoTime.optional(),
  /** Extension: who declined or let it time out; never offered to them again. */
  passedBy: z.array(Id).optional(),
  /** Extension: why it was cancelled (e.g. the alert was resolved). */
  cancelReason: z.string().optional(),
  /**
   * Extension, per viewer and never stored: `true` when `context` is shown to this viewer only by
   * emergency access (contract §4.3: they respond to the open `high` alert; consent alone would
   * strip it). Absent otherwise.
   */
  emergencyAccess: z.literal(true).optional(),
});
export type Task = z.infer<typeof Task>;

/** `POST /api/tasks/{id}/accept|start` body. */
export const TaskActionRequest = z.object({ note: z.string().max(2000).optional() }).strict();

/**
 * `POST /api/tasks/{id}/complete` body (contract §4.1): `outcome` resolves the task's alert with it in
 * the same step, as `POST /api/alerts/{id}/resolve` would; without one the alert stays open.
 */
export const TaskCompleteRequest = TaskActionRequest.extend({ outcome: ResolveOutcome.optional() }).strict();
export type TaskCompleteRequest = z.infer<typeof TaskCompleteRequest>;

/** Why completing an alert's task left the alert open. */
export const ALERT_LEFT_OPEN_REASONS = [
  /** No outcome was given: the alert waits for someone to resolve it. */
  'no_outcome',
  /** Another task of the alert is under way (accepted or in progress); resolving would cancel it. */
  'other_task_under_way',
] as const;
export const AlertLeftOpenReason = z.enum(ALERT_LEFT_OPEN_REASONS);
export type AlertLeftOpenReason = z.infer<typeof AlertLeftOpenReason>;

/**
 * Extension: what completing an alert's task did to the alert (`complete` answers only; absent for a
 * task without an alert). `resolved`: with the given outcome, in the same request; `left_open`: see
 * `reason`; `already_resolved`: someone (or the platform) resolved it before.
 */
export const AlertResolution = z.discriminatedUnion('status', [
  z.object({ status: z.literal('resolved'), alertId: z.string(), outcome: ResolveOutcome }),
  z.object({ status: z.literal('left_open'), alertId: z.string(), reason: AlertLeftOpenReason }),
  z.object({ status: z.literal('already_resolved'), alertId: z.string() }),
]);
export type AlertResolution = z.infer<typeof AlertResolution>;

/** `POST /api/tasks/{id}/complete` answer: the task, and for an alert's task what became of the alert. */
export const TaskCompleteResponse = Task.extend({ alertResolution: AlertResolution.optional() });
export type TaskCompleteResponse = z.infer<typeof TaskCompleteResponse>;
/** `POST /api/tasks/{id}/decline` body. */
export const TaskDeclineRequest = z.object({ reason: z.string().min(1).max(2000).optional() }).strict();
