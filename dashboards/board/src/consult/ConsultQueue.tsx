import type { Task } from '@vigil/contracts';
import { formatTime } from '../i18n/format.ts';
import { t } from '../i18n/consult.ts';
import { tasksError, tasksLoaded } from '../tasks.ts';
import { toMs } from '../store.ts';
import { consultQueue, finishedList, selectedConsult } from './consult-data.ts';
import { consultAlert, consultAlertTitle, priorityText, stateText, whoAndWhere } from './consult-text.ts';

function QueueItem({ task }: { task: Task }) {
  const { name, room } = whoAndWhere(task);
  const alert = consultAlert(task);
  const selected = selectedConsult.value === task.id;
  return (
    <li>
      <button
        type="button"
        class={`cq__item cq__item--${task.priority}${selected ? ' cq__item--on' : ''}`}
        aria-pressed={selected}
        data-testid="consult-item"
        data-task-id={task.id}
        data-state={task.state}
        onClick={() => (selectedConsult.value = task.id)}
      >
        <span class={`prio prio--${task.priority}`}>{priorityText(task.priority)}</span>
        <span class="cq__who">
          <strong>{name}</strong>
          {room && <span> · {room}</span>}
        </span>
        {alert && <span class="cq__alert">{consultAlertTitle(alert)}</span>}
        <span class="cq__state">
          {task.state === 'done' && task.completedAt
            ? t('finishedAt', { time: formatTime(toMs(task.completedAt)) })
            : stateText(task)}
        </span>
      </button>
    </li>
  );
}

/** The doctor's consult requests (own first, then open ones of the team) and those finished today. */
export function ConsultQueue() {
  const queue = consultQueue.value;
  const finished = finishedList.value;
  return (
    <>
      <section class="cpanel" aria-labelledby="cq-title" data-testid="consult-queue">
        <h2 id="cq-title" class="cpanel__title">
          {t('queueTitle')} <span class="cpanel__count">{queue.length}</span>
        </h2>
        {tasksError.value && <p class="notice notice--error">{tasksError.value}</p>}
        {queue.length === 0 ? (
          <p class="empty">{tasksLoaded.value ? t('queueEmpty') : t('queueLoading')}</p>
        ) : (
          <ul class="cq">
            {queue.map((task) => (
              <QueueItem key={task.id} task={task} />
            ))}
          </ul>
        )}
      </section>
      <section class="cpanel" aria-labelledby="cq-done-title" data-testid="consult-finished">
        <h2 id="cq-done-title" class="cpanel__title">
          {t('doneTitle')} <span class="cpanel__count">{finished.length}</span>
        </h2>
        {finished.length === 0 ? (
          <p class="empty">{t('doneEmpty')}</p>
        ) : (
          <ul class="cq">
            {finished.map((task) => (
              <QueueItem key={task.id} task={task} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
