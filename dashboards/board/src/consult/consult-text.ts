import { AlertKind, type Explanation, type Priority, type Resident, type Task, type TaskState } from '@vigil/contracts';
import { alertTitle } from '../alert-text.ts';
import { t } from '../i18n/consult.ts';
import { session } from '../session.ts';
import { alerts, recentlyResolved, residents } from '../store.ts';

const STATE_KEY = {
  open: 'stateOpen',
  assigned: 'stateAssigned',
  accepted: 'stateAccepted',
  in_progress: 'stateInProgress',
  done: 'stateDone',
  cancelled: 'stateCancelled',
} as const satisfies Record<TaskState, string>;
const PRIORITY_KEY = {
  high: 'priorityHigh',
  medium: 'priorityMedium',
  low: 'priorityLow',
} as const satisfies Record<Priority, string>;

/** The consult's state as the signed-in doctor reads it ("Waiting for you" only when it is theirs). */
export function stateText(task: Pick<Task, 'state' | 'assigneeId'>): string {
  const mine = task.assigneeId !== undefined && task.assigneeId === session.value?.user.id;
  if (!mine && task.assigneeId !== undefined && task.state !== 'done' && task.state !== 'cancelled')
    return t('stateWithColleague');
  return t(STATE_KEY[task.state]);
}
export const priorityText = (p: Priority): string => t(PRIORITY_KEY[p]);

export const residentOf = (task: Task): Resident | undefined =>
  task.residentId ? residents.value.get(task.residentId) : undefined;

/** "Ada Lovelace · Room 12": who and where, from the resident list (the task alone carries ids). */
export function whoAndWhere(task: Task): { name: string; room?: string } {
  const r = residentOf(task);
  const room = task.roomId ?? r?.roomId;
  return { name: r?.name ?? t('unknownResident'), ...(room && { room: t('room', { room }) }) };
}

/** The alert behind the consult: as the board has it (open or just resolved), else from the task's context. */
export function consultAlert(task: Task): { title: string; kind?: AlertKind; explanation?: Explanation } | undefined {
  if (!task.alertId) return undefined;
  const a = alerts.value.get(task.alertId) ?? recentlyResolved.value.find((x) => x.id === task.alertId);
  if (a) return { title: a.title, kind: a.kind, explanation: a.explanation };
  const c = task.context?.alert as { title?: unknown; kind?: unknown; explanation?: unknown } | undefined;
  if (!c || typeof c.title !== 'string') return undefined;
  return {
    title: c.title,
    ...(AlertKind.safeParse(c.kind).success && { kind: c.kind as AlertKind }),
    ...(typeof c.explanation === 'object' && c.explanation !== null
      ? { explanation: c.explanation as Explanation }
      : {}),
  };
}

/** The consult's alert title in the board's language, built from its kind and values where known. */
export function consultAlertTitle(alert: NonNullable<ReturnType<typeof consultAlert>>): string {
  return alert.kind && alert.explanation
    ? alertTitle({ kind: alert.kind, explanation: alert.explanation })
    : alert.title;
}
