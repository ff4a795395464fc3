import type { Resident, Task } from '@vigil/contracts';
import { clockTime, PRIORITY_LABEL } from '../format.ts';
import { session } from '../session.ts';
import { alerts, recentlyResolved, residents, toMs } from '../store.ts';
import { consultView, dueOf, TASK_KIND_LABEL, TASK_STATE_LABEL } from '../tasks-format.ts';
import { TaskAlertResult, TaskAlertPriority } from './TaskAlertLink.tsx';
import { ConsultContext } from './ConsultContext.tsx';
import { Countdown } from './Countdown.tsx';
import { TaskActions } from './TaskActions.tsx';
import { alertTitle } from '../alert-text.ts';
import { tAlerts } from '../i18n/alerts.ts';
import { tCommon } from '../i18n/common.ts';
import { tResidents } from '../i18n/residents.ts';
import { tTasks } from '../i18n/tasks.ts';
import { zoneText } from '../zones.ts';

/** The linked alert's title: from the board's alerts, else from a consult's context. */
function linkedAlertTitle(task: Task): string | undefined {
  if (!task.alertId) return undefined;
  const alert = alerts.value.get(task.alertId) ?? recentlyResolved.value.find((a) => a.id === task.alertId);
  return alert ? alertTitle(alert) : consultView(task.context)?.alertTitle;
}

function place(task: Task, resident: Resident | undefined): string {
  const parts: string[] = [];
  const room = task.roomId ?? resident?.roomId;
  const zone = task.zoneId ?? resident?.zoneId;
  if (room) parts.push(tCommon('room', { room }));
  if (zone) parts.push(zoneText(zone));
  return parts.join(' · ');
}

function stateText(task: Task, mine: boolean): string {
  if (task.state === 'assigned' && mine) return tTasks('assignedToYou');
  if (task.state === 'open') return tTasks('openNotTaken');
  return TASK_STATE_LABEL[task.state];
}

function closedText(task: Task): string | undefined {
  if (task.state === 'done') {
    return tTasks('doneAt', task.completedAt ? { time: clockTime(toMs(task.completedAt)) } : {});
  }
  if (task.state === 'cancelled') return tTasks('cancelled', task.cancelReason ? { reason: task.cancelReason } : {});
  return undefined;
}

/** One task in "My tasks": what, who and where, the alert behind it, the deadline, and what to do next. */
export function TaskCard({ task }: { task: Task }) {
  const mine = task.assigneeId !== undefined && task.assigneeId === session.value?.user.id;
  const resident = task.residentId ? residents.value.get(task.residentId) : undefined;
  const residentName = resident?.name ?? (task.residentId && tResidents('resident'));
  const where = place(task, resident);
  const title = linkedAlertTitle(task);
  const due = dueOf(task);
  const closed = closedText(task);
  const titleId = `task-title-${task.id}`;

  return (
    <article
      class={`card task card--${task.priority} task--${task.state}`}
      data-task-id={task.id}
      data-kind={task.kind}
      data-priority={task.priority}
      data-state={task.state}
      aria-labelledby={titleId}
    >
      <div class="card__head">
        <span class={`prio prio--${task.priority}`}>
          <span class="visually-hidden">{tAlerts('priority')} </span>
          {PRIORITY_LABEL[task.priority]}
        </span>
        <h3 class="card__title" id={titleId}>
          {TASK_KIND_LABEL[task.kind]}
        </h3>
        {task.escalationLevel > 0 && (
          <span class="task__esc" data-testid="task-escalation">
            {tTasks('escalated', { level: task.escalationLevel })}
          </span>
        )}
        <span class={`state task-state task-state--${task.state}`} data-testid="task-state">
          {stateText(task, mine)}
        </span>
      </div>

      <p class="card__who">
        {residentName ? (
          <strong>{residentName}</strong>
        ) : task.kind === 'facility_maintenance' ? (
          tTasks('facility')
        ) : null}
        {(residentName || task.kind === 'facility_maintenance') && where ? ' · ' : ''}
        {where}
      </p>
      {title && (
        <p class="task__alert">
          <span class="card__label">{tTasks('alert')}</span> {title}
          <TaskAlertPriority task={task} />
        </p>
      )}

      {due && <Countdown due={due} />}
      {closed && <p class="task__closed">{closed}</p>}
      <TaskAlertResult task={task} />

      {task.emergencyAccess && task.context !== undefined && !closed && (
        // Contract §4.3: the resident's consent does not cover this role; the gateway shows the context
        // only while this user responds to the open high alert, and audits each view as an emergency.
        <p class="task__emergency" data-testid="emergency-access">
          {tTasks('emergencyAccess')}
        </p>
      )}
      {task.kind === 'remote_consult' && !closed && <ConsultContext context={task.context} />}
      {task.note && (
        <p class="task__note">
          <span class="card__label">{tTasks('note')}</span> {task.note}
        </p>
      )}

      <TaskActions task={task} mine={mine} />
    </article>
  );
}
