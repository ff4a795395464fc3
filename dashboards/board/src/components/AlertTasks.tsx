import type { Task } from '@vigil/contracts';
import { tasksByAlert, whoHas } from '../alert-tasks.ts';
import { kindKey, tt } from '../i18n/alert-task.ts';

function stateText(task: Task): string {
  const who = whoHas(task, tt('someone'));
  switch (task.state) {
    case 'open':
      return tt('taskOpen');
    case 'assigned':
      return tt('taskAssigned', who);
    case 'accepted':
      return tt('taskAccepted', who);
    case 'in_progress':
      return tt('taskInProgress', who);
    default:
      return tt('taskDone', who);
  }
}

/**
 * On an alert card (issue 14): the alert's tasks, each with its state and who has it, so nobody
 * walks to a room a colleague is already in. Nothing while the board knows no task of the alert.
 */
export function AlertTasks({ alertId }: { alertId: string }) {
  const list = tasksByAlert.value.get(alertId);
  if (!list?.length) return null;
  return (
    <ul class="card__tasks" data-testid="alert-tasks">
      {list.map((t) => (
        <li key={t.id} data-task-id={t.id} data-task-state={t.state}>
          <span class="card__label">{tt('label', { label: tt(kindKey(t.kind)) })}</span>
          {stateText(t)}
        </li>
      ))}
    </ul>
  );
}
