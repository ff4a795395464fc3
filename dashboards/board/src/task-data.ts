import type { Role, Task } from '@vigil/contracts';
import { api, asList, describeError } from './api.ts';
import { applyTask, beginTaskReload, endTaskReload, replaceTasks, tasksError, tasksLoaded } from './tasks.ts';
import { isTaskRole, type TaskStep } from './tasks-format.ts';
import { tCommon } from './i18n/common.ts';

/**
 * Which tasks under way to load. Caregivers and maintenance staff: everyone's in their view, so alert
 * cards say who has each alert's task (their tasks carry no health context). Medical staff and
 * managers: their own only, because a colleague's consult carries the resident's vitals, a read of
 * health data (audited) they did not ask for; their alert cards learn colleagues' tasks from events.
 */
const ACTIVE_TASKS = (role: Role) =>
  role === 'caregiver' || role === 'maintenance' ? '/api/tasks?state=active' : '/api/tasks?state=active&assignee=me';

/**
 * Loads the tasks "My tasks" and the alert cards show: those under way (ACTIVE_TASKS), and for task
 * roles the open ones (the gateway returns only those in the user's view). Loaded on every (re)connect,
 * like the alerts.
 */
export async function loadTasks(role: Role): Promise<void> {
  // `active` = assigned, accepted or in progress; done and cancelled ones are history, not the board's.
  const paths = [ACTIVE_TASKS(role)];
  if (isTaskRole(role)) paths.push('/api/tasks?state=open');
  beginTaskReload();
  try {
    const lists = await Promise.all(paths.map(async (p) => asList<Task>(await api<unknown>('GET', p), 'tasks')));
    replaceTasks(lists.flat());
    tasksError.value = null;
  } catch (err) {
    endTaskReload();
    tasksError.value = tCommon('couldNotLoadTasks', { reason: describeError(err) });
  } finally {
    tasksLoaded.value = true;
  }
}

/** Applies the returned task at once, so the card changes before the event arrives. */
function applyResponse(body: unknown): void {
  const t = (body && typeof body === 'object' && 'task' in body ? (body as { task: unknown }).task : body) as
    | Task
    | undefined;
  if (t && typeof t.id === 'string' && typeof t.state === 'string') applyTask(t);
}

const path = (id: string, action: string) => `/api/tasks/${encodeURIComponent(id)}/${action}`;

export async function taskStep(id: string, step: TaskStep, note?: string): Promise<void> {
  applyResponse(await api<unknown>('POST', path(id, step), { body: note ? { note } : {} }));
}

export async function declineTask(id: string, reason?: string): Promise<void> {
  const r = reason?.trim();
  applyResponse(await api<unknown>('POST', path(id, 'decline'), { body: r ? { reason: r } : {} }));
}

/** After a 409 the card is out of date: fetch the task as it is now. */
export async function refreshTask(id: string): Promise<void> {
  try {
    applyResponse(await api<unknown>('GET', `/api/tasks/${encodeURIComponent(id)}`));
  } catch (err) {
    // The card has shown the 409 already; the next live event or reload brings it up to date.
    console.warn('vigil: task not refreshed', id, describeError(err));
  }
}
