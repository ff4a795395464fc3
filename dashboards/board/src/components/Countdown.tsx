import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { clockTime } from '../format.ts';
import { countdown, type Due } from '../tasks-format.ts';
import { tTasks } from '../i18n/tasks.ts';

/** Ticks every second: a deadline a minute away is read in seconds, and the board's 5 s tick is too coarse. */
const TICK_MS = 1_000;

/** Time left to accept or complete a task, or how far past it is; in words, never colour alone. */
export function Countdown({ due }: { due: Due }) {
  const nowMs = useSignal(Date.now());
  useEffect(() => {
    const t = setInterval(() => {
      nowMs.value = Date.now();
    }, TICK_MS);
    return () => clearInterval(t);
  }, []);

  const c = countdown(due, nowMs.value);
  const by = Number.isFinite(due.at) ? new Date(due.at).toISOString() : undefined;
  return (
    <p
      class={`task__due${c.overdue ? ' task__due--overdue' : c.soon ? ' task__due--soon' : ''}`}
      data-testid="task-due"
      data-overdue={c.overdue}
    >
      {c.overdue && (
        <>
          <span class="task__overdue">{tTasks('overdue')}</span>{' '}
        </>
      )}
      {c.text}
      {by && (
        <>
          {' '}
          <time dateTime={by}>{tTasks('by', { time: clockTime(due.at) })}</time>
        </>
      )}
    </p>
  );
}
