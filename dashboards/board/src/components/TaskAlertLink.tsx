import type { AlertResolution, Task } from '@vigil/contracts';
import { tt } from '../i18n/alert-task.ts';
import { alerts, recentlyResolved } from '../store.ts';
import { alertResolutions } from '../task-completion.ts';

/** The priority of the task's alert, in words, after its title on the task card (issue 14). */
export function TaskAlertPriority({ task }: { task: Pick<Task, 'alertId'> }) {
  if (!task.alertId) return null;
  const alert = alerts.value.get(task.alertId) ?? recentlyResolved.value.find((a) => a.id === task.alertId);
  if (!alert) return null;
  return (
    <span class={`task__alert-prio task__alert-prio--${alert.priority}`} data-testid="task-alert-priority">
      {' '}
      {tt('alertPriority', { level: tt(`alertPriority_${alert.priority}`) })}
    </span>
  );
}

function resultText(r: AlertResolution): string {
  if (r.status === 'resolved') return tt('resultResolved');
  if (r.status === 'already_resolved') return tt('resultAlready');
  return r.reason === 'no_outcome' ? tt('resultNoOutcome') : tt('resultOtherTask');
}

/** After completing an alert's task here: whether the alert closed, or why it stays open. */
export function TaskAlertResult({ task }: { task: Pick<Task, 'id'> }) {
  const r = alertResolutions.value.get(task.id);
  if (!r) return null;
  return (
    <p class="task__result" role="status" data-testid="task-alert-result" data-result={r.status}>
      {resultText(r)}
    </p>
  );
}
