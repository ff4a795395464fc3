import { computed, signal } from '@preact/signals';
import type { Task } from '@vigil/contracts';
import { session } from './session.ts';
import { now } from './store.ts';
import { compareTasks, inMyTasks, isClosed, isNewerTask } from './tasks-format.ts';

/** Tasks this board knows about, by id (own, open ones of the role; managers get every task event). */
export const tasks = signal<ReadonlyMap<string, Task>>(new Map());
export const tasksError = signal<string | null>(null);
export const tasksLoaded = signal(false);

/** A done or cancelled task stays on screen this long, so the person sees it went through. */
export const TASK_LINGER_MS = 15_000;

/** When this board saw each task close (local time): the linger counts from there. */
const closedAt = new Map<string, number>();
/** Closed tasks that already left the panel (bounded): a late or replayed copy must not bring them back. */
const gone = new Set<string>();
const GONE_MAX = 500;
/** Ids changed by live events or actions since the current REST reload began (see replaceTasks). */
let touchedDuringLoad: Set<string> | null = null;

function noteClosed(t: Task, at: number): void {
  if (isClosed(t) && !closedAt.has(t.id)) closedAt.set(t.id, at);
}

/** Drops closed tasks whose linger is over, so a long shift does not grow memory. */
function pruned(m: Map<string, Task>, at: number): Map<string, Task> {
  for (const [id, when] of closedAt) {
    if (at - when <= TASK_LINGER_MS) continue;
    m.delete(id);
    closedAt.delete(id);
    gone.add(id);
  }
  for (const id of gone) {
    if (gone.size <= GONE_MAX) break;
    gone.delete(id);
  }
  return m;
}

/** Applies one task from a live event or an action's response; an older copy never wins. */
export function applyTask(task: Task, at = Date.now()): void {
  touchedDuringLoad?.add(task.id);
  const current = tasks.value.get(task.id);
  if (current && isNewerTask(current, task)) return;
  if (gone.has(task.id)) return;
  noteClosed(task, at);
  const next = new Map(tasks.value);
  next.set(task.id, task);
  tasks.value = pruned(next, at);
}

export function beginTaskReload(): void {
  touchedDuringLoad = new Set();
}

/** A failed reload: live events apply as usual again. */
export function endTaskReload(): void {
  touchedDuringLoad = null;
}

/**
 * Replaces the list with a REST snapshot of the tasks still under way. Tasks missing from it closed or
 * moved on while we were not listening, unless a live event touched them after the request went out;
 * closed tasks still lingering stay until their time is up.
 */
export function replaceTasks(snapshot: readonly Task[], at = Date.now()): void {
  const touched = touchedDuringLoad ?? new Set<string>();
  touchedDuringLoad = null;
  const next = new Map<string, Task>();
  for (const t of snapshot) {
    if (gone.has(t.id)) continue;
    const live = tasks.value.get(t.id);
    next.set(t.id, live && touched.has(t.id) && isNewerTask(live, t) ? live : t);
  }
  for (const [id, t] of tasks.value) {
    if (next.has(id)) continue;
    if (touched.has(id) || closedAt.has(id)) next.set(id, t);
  }
  for (const t of next.values()) noteClosed(t, at);
  tasks.value = pruned(next, at);
}

/** "My tasks": own first, then open ones of the role; by priority, then accept-by. */
export const myTasks = computed(() => {
  const user = session.value?.user;
  if (!user) return [];
  const t = now.value;
  return [...tasks.value.values()]
    .filter((task) => inMyTasks(task, user))
    .filter((task) => !isClosed(task) || t - (closedAt.get(task.id) ?? t) <= TASK_LINGER_MS)
    .sort(compareTasks(user.id));
});

export function resetTasks(): void {
  tasks.value = new Map();
  tasksError.value = null;
  tasksLoaded.value = false;
  closedAt.clear();
  gone.clear();
  touchedDuringLoad = null;
}
