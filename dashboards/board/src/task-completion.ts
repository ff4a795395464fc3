import { signal } from '@preact/signals';
import type { AlertResolution, ResolveOutcome, Task, TaskCompleteResponse } from '@vigil/contracts';
import { api } from './api.ts';
import { refreshAlert } from './data.ts';
import { applyTask } from './tasks.ts';

/**
 * What completing each alert's task did to its alert (issue 14), by task id: the task card says it
 * (closed, or why it stays open) for as long as the card lingers. Only this board's own completions.
 */
export const alertResolutions = signal<ReadonlyMap<string, AlertResolution>>(new Map());

/**
 * Completes a task; for an alert's task with an outcome, the gateway resolves the alert in the same
 * request (`alertResolution`). The alert's card leaves at once (the `alert.resolved` event follows).
 */
export async function completeTask(task: Pick<Task, 'id'>, outcome?: ResolveOutcome): Promise<void> {
  const body = await api<TaskCompleteResponse>('POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, {
    body: outcome ? { outcome } : {},
  });
  const { alertResolution, ...done } = body;
  if (typeof done.id === 'string' && typeof done.state === 'string') applyTask(done);
  if (!alertResolution) return;
  alertResolutions.value = new Map(alertResolutions.value).set(task.id, alertResolution);
  if (alertResolution.status === 'resolved') await refreshAlert(alertResolution.alertId);
}

export function resetAlertResolutions(): void {
  alertResolutions.value = new Map();
}
