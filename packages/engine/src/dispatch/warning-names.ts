import type { SlaWarning, Task } from '@vigil/contracts';
import type { Stores } from '@vigil/stores';

/** What an SLA warning says about who and where (issue 14); the contract fields it adds to. */
export type WarningNames = Pick<SlaWarning, 'residentId' | 'residentName' | 'roomId' | 'zoneId' | 'staffName'>;

export type NameStores = Pick<Stores, 'alerts' | 'tasks' | 'residents' | 'users'>;

/**
 * Names the resident, room and staff member of a warning, so a manager's board can say "Mrs Li, room
 * 204, Wang Fang" instead of ids. Names, rooms and zones are not health data (they are how staff find
 * the person: gateway health-redaction.ts), so the warning still goes to every manager as it is.
 * For an alert's warning the staff member is the assignee of its newest on-site task; `staffId`
 * stays unset there, so the SLA report keeps crediting alert breaches to nobody in particular.
 */
export async function warningNames(
  stores: NameStores,
  w: {
    taskId?: string | undefined;
    alertId?: string | undefined;
    staffId?: string | undefined;
    residentId?: string | undefined;
  },
): Promise<WarningNames> {
  const task = w.taskId ? await stores.tasks.get(w.taskId) : undefined;
  const alertId = w.alertId ?? task?.alertId;
  const alert = alertId ? await stores.alerts.get(alertId) : undefined;
  const residentId = w.residentId ?? task?.residentId ?? alert?.residentId;
  const resident = residentId ? await stores.residents.get(residentId) : undefined;
  const staffId =
    w.staffId ?? (alert && !task ? assigneeOf(await stores.tasks.list({ alertId: alert.id })) : undefined);
  const staff = staffId ? await stores.users.get(staffId) : undefined;
  const roomId = resident?.roomId ?? task?.roomId ?? alert?.roomId;
  const zoneId = resident?.zoneId ?? task?.zoneId ?? alert?.zoneId;
  return {
    ...(residentId && { residentId }),
    ...(resident && { residentName: resident.name }),
    ...(roomId && { roomId }),
    ...(zoneId && { zoneId }),
    ...(staff && { staffName: staff.name }),
  };
}

/** The person holding the alert's newest live task (cancelled ones were handed on). */
function assigneeOf(tasks: readonly Task[]): string | undefined {
  const live = tasks.filter((t) => t.state !== 'cancelled' && t.assigneeId !== undefined);
  live.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return live[0]?.assigneeId;
}
