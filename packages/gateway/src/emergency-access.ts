import type { Resident, Task } from '@vigil/contracts';
import type { Stores } from '@vigil/stores';
import { canSeeHealth, canSeeVitals, withHealthConsent } from './access.ts';
import type { AuditNote } from './audit.ts';
import type { AuthUser } from './auth-guard.ts';
import { inFacility } from './scope.ts';

/**
 * Emergency access (contract §4.3): "while a `high` alert is open, the responders assigned to it see
 * what they need for it, and that access is audited as an emergency access". The one place that
 * decides it; REST (vitals, report, task context) and Socket.IO (task events, live vitals) all ask
 * here. The pure consent rules stay in access.ts: this only widens what they refuse, never narrows.
 *
 * Decided afresh on every access from the stores (no grant is cached): when the alert is resolved or
 * the task leaves the responder (completed, declined, cancelled, escalated to someone else), the next
 * request is refused as before. The alert's location follows the same grant (alert-view.ts).
 */

/** Which alert and task open the access (ids only: they go into the audit `detail`). */
export interface EmergencyGrant {
  alertId: string;
  taskId: string;
}

/** The stores the decision reads. */
export type EmergencyStores = Pick<Stores, 'tasks' | 'alerts'>;

/** How a user reaches a resident's health data: their consent, an emergency, or not at all. */
export type HealthAccess =
  | { via: 'consent' }
  | { via: 'emergency'; grant: EmergencyGrant }
  | { via: 'none'; reason: 'consent' | 'zones' };

/** Task states in which the assignee is responding (the stores' `active`). */
const ACTIVE_STATES: ReadonlySet<Task['state']> = new Set(['assigned', 'accepted', 'in_progress']);

/**
 * Every open `high` alert about the resident to which the user is assigned through an active task,
 * inside a facility the user belongs to. Maintenance staff never see health data (contract §4.2) and
 * residents are never assignees: neither is ever a responder here.
 */
export async function emergencyGrants(
  stores: EmergencyStores,
  user: AuthUser,
  resident: Pick<Resident, 'id' | 'facilityId'>,
): Promise<EmergencyGrant[]> {
  if (user.role === 'maintenance' || user.role === 'resident') return [];
  if (!inFacility(user, resident.facilityId)) return [];
  const tasks = await stores.tasks.list({ assigneeId: user.id, state: 'active', facilityId: resident.facilityId });
  const grants: EmergencyGrant[] = [];
  for (const task of tasks) {
    if (task.alertId === undefined || task.assigneeId !== user.id || !ACTIVE_STATES.has(task.state)) continue;
    if (task.residentId !== undefined && task.residentId !== resident.id) continue;
    const alert = await stores.alerts.get(task.alertId);
    if (!alert || alert.state === 'resolved' || alert.priority !== 'high') continue;
    if (alert.residentId !== resident.id || alert.facilityId !== resident.facilityId) continue;
    grants.push({ alertId: alert.id, taskId: task.id });
  }
  return grants;
}

/** The first grant, if any (vitals and reports need one reason, not all of them). */
export async function emergencyGrant(
  stores: EmergencyStores,
  user: AuthUser,
  resident: Pick<Resident, 'id' | 'facilityId'>,
): Promise<EmergencyGrant | undefined> {
  return (await emergencyGrants(stores, user, resident))[0];
}

/**
 * Vitals (history and live) and reports of one resident: consent and zones as before (access.ts), and
 * where they refuse, an emergency grant. The stores are read only when consent refuses.
 */
export async function vitalsAccess(
  stores: EmergencyStores,
  user: AuthUser,
  resident: Pick<Resident, 'id' | 'facilityId' | 'consent' | 'zoneId'>,
): Promise<HealthAccess> {
  if (canSeeVitals(user, resident)) return { via: 'consent' };
  const grant = await emergencyGrant(stores, user, resident);
  if (grant) return { via: 'emergency', grant };
  return { via: 'none', reason: canSeeHealth(user, resident) ? 'zones' : 'consent' };
}

/**
 * A task as this user may see it: with its `context` where consent allows (unchanged), with it and
 * `emergencyAccess: true` where only an emergency grant for the task's own alert allows (the context
 * is what the responder needs for that alert), without it otherwise.
 */
export async function taskForViewer(
  stores: EmergencyStores,
  user: AuthUser,
  task: Task,
  resident: Pick<Resident, 'id' | 'facilityId' | 'consent'> | undefined,
): Promise<Task> {
  const shown = withHealthConsent(user, task, resident);
  if (shown === task || !resident || task.alertId === undefined) return shown;
  const grants = await emergencyGrants(stores, user, resident);
  return grants.some((g) => g.alertId === task.alertId) ? { ...task, emergencyAccess: true } : shown;
}

/** The audit note of an emergency access: purpose `emergency`, the alert and task ids (no values). */
export function emergencyNote(grant: EmergencyGrant, more?: string): AuditNote {
  return {
    purpose: 'emergency',
    detail: `emergency access: alert ${grant.alertId}, task ${grant.taskId}${more ? ` (${more})` : ''}`,
  };
}

/**
 * The audit note of a task's `context` handed out (`task_context.read`): `task <id>` under consent,
 * purpose `emergency` naming the alert and task when it went out by emergency access.
 */
export function taskContextNote(task: Task, more?: string): AuditNote {
  if (task.emergencyAccess && task.alertId !== undefined)
    return emergencyNote({ alertId: task.alertId, taskId: task.id }, more);
  return `task ${task.id}${more ? ` (${more})` : ''}`;
}
