import { onDuty } from '../duty.ts';
import { session } from '../session.ts';
import { myTasks, tasksError, tasksLoaded } from '../tasks.ts';
import { isClosed, isManagerRole } from '../tasks-format.ts';
import { TaskCard } from './TaskCard.tsx';
import { tTasks } from '../i18n/tasks.ts';

/**
 * "My tasks" (issue 4): the user's own tasks first, then open ones of their role, most urgent first.
 * A manager sees the panel only while something was handed to them (nobody of the role on duty).
 */
export function MyTasks() {
  const role = session.value?.user.role;
  const list = myTasks.value;
  if (isManagerRole(role) && list.length === 0 && !tasksError.value) return null;

  const userId = session.value?.user.id;
  const mine = list.filter((t) => !isClosed(t) && t.assigneeId === userId).length;
  const open = list.filter((t) => t.state === 'open').length;
  const count =
    list.length === 0
      ? tTasks('none')
      : [tTasks('forYou', { n: mine }), ...(open ? [tTasks('open', { n: open })] : [])].join(' · ');

  return (
    <section class="panel panel--tasks" aria-labelledby="tasks-heading">
      <div class="panel__head">
        <h2 id="tasks-heading">{tTasks('myTasks')}</h2>
        <span class="panel__count" aria-live="polite">
          {count}
        </span>
      </div>
      {tasksError.value && (
        <p class="notice notice--error" role="alert">
          {tasksError.value}
        </p>
      )}
      {list.length === 0 && !tasksError.value && (
        <p class="empty">
          {!tasksLoaded.value ? tTasks('loading') : onDuty.value === false ? tTasks('offDutyEmpty') : tTasks('empty')}
        </p>
      )}
      <ul class="alert-list task-list" aria-label={tTasks('listLabel')}>
        {list.map((t) => (
          <li key={t.id}>
            <TaskCard task={t} />
          </li>
        ))}
      </ul>
    </section>
  );
}
