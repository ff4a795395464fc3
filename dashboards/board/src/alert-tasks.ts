import { computed } from '@preact/signals';
import type { Task } from '@vigil/contracts';
import { session } from './session.ts';
import { tasks } from './tasks.ts';
import { staffNames } from './team.ts';
import type { Who } from './i18n/alert-task.ts';

/**
 * The tasks of each alert this board knows (issue 14: an alert card shows its task): every task the
 * user may see arrives here (REST `state=active` and live events), cancelled ones left out.
 */
export const tasksByAlert = computed(() => {
  const by = new Map<string, Task[]>();
  for (const t of tasks.value.values()) {
    if (!t.alertId || t.state === 'cancelled') continue;
    by.set(t.alertId, [...(by.get(t.alertId) ?? []), t]);
  }
  for (const list of by.values()) list.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  return by;
});

/**
 * Who has a task, for a sentence: the signed-in user, a name the board knows (a manager's team), or
 * a colleague (carers are not sent the staff list; an id means nothing to a person).
 */
export function whoHas(task: Pick<Task, 'assigneeId'>, someone: string): Who {
  const id = task.assigneeId;
  if (id !== undefined && id === session.value?.user.id) return { name: '', you: true };
  return { name: (id && staffNames.value.get(id)) || someone, you: false };
}
