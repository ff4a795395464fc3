import { useSignal } from '@preact/signals';
import type { Task } from '@vigil/contracts';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, describeError } from '../api.ts';
import { completeTask } from '../task-completion.ts';
import { declineTask, refreshTask, taskStep } from '../task-data.ts';
import { stepsFor, type TaskStep } from '../tasks-format.ts';
import { tCommon } from '../i18n/common.ts';
import { tTasks } from '../i18n/tasks.ts';
import { CompleteChooser } from './CompleteChooser.tsx';

interface Props {
  task: Task;
  /** Assigned to the signed-in user (else only an open task can be taken). */
  mine: boolean;
}

const stepLabel = (s: TaskStep): string => tTasks(s);

function errorText(err: unknown): string {
  if (err instanceof ApiError && err.status === 409) return tCommon('notDoneConflict', { reason: describeError(err) });
  if (err instanceof ApiError && err.status === 403) return tCommon('notAllowed', { reason: describeError(err) });
  return tCommon('notDone', { reason: describeError(err) });
}

/** Accept / Decline, Start, Complete; decline asks for an optional reason. Errors stay on the card. */
export function TaskActions({ task, mine }: Props) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const declining = useSignal(false);
  // An alert's task: "Complete" first asks how it went, which also closes the alert (issue 14).
  const completing = useSignal(false);
  const reason = useSignal('');
  const reasonInput = useRef<HTMLInputElement>(null);
  const isDeclining = declining.value;
  // The form replaces the buttons: move focus into it, so keyboard and screen-reader users follow.
  useEffect(() => {
    if (isDeclining) reasonInput.current?.focus();
  }, [isDeclining]);

  const run = async (action: () => Promise<void>) => {
    busy.value = true;
    error.value = null;
    try {
      await action();
      declining.value = false;
      completing.value = false;
      reason.value = '';
    } catch (err) {
      error.value = errorText(err);
      // Someone else moved it first (or it was cancelled): show it as it is now.
      if (err instanceof ApiError && err.status === 409) await refreshTask(task.id);
    } finally {
      busy.value = false;
    }
  };

  const { steps, decline } = stepsFor(task, mine);
  const reasonId = `decline-reason-${task.id}`;

  return (
    <>
      {(steps.length > 0 || decline) && !declining.value && !completing.value && (
        <div class="card__actions">
          {steps.map((s, i) => (
            <button
              key={s}
              type="button"
              class={i === 0 ? 'btn btn--primary' : 'btn'}
              data-step={s}
              disabled={busy.value}
              onClick={() => {
                if (s === 'complete' && task.alertId) completing.value = true;
                else void run(() => taskStep(task.id, s));
              }}
            >
              {stepLabel(s)}
            </button>
          ))}
          {decline && (
            <button type="button" class="btn" disabled={busy.value} onClick={() => (declining.value = true)}>
              {tTasks('decline')}
            </button>
          )}
        </div>
      )}

      {completing.value && (
        <CompleteChooser
          task={task}
          busy={busy.value}
          onChoose={(outcome) => run(() => completeTask(task, outcome))}
          onBack={() => (completing.value = false)}
        />
      )}

      {declining.value && (
        <form
          class="decline"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => declineTask(task.id, reason.value));
          }}
        >
          <label for={reasonId}>{tTasks('declineWhy')}</label>
          <input
            ref={reasonInput}
            id={reasonId}
            maxLength={2000}
            value={reason.value}
            onInput={(e) => {
              reason.value = e.currentTarget.value;
            }}
          />
          <div class="card__actions">
            <button type="submit" class="btn btn--primary" disabled={busy.value}>
              {tTasks('declineTask')}
            </button>
            <button
              type="button"
              class="btn btn--ghost"
              disabled={busy.value}
              onClick={() => (declining.value = false)}
            >
              {tTasks('keepIt')}
            </button>
          </div>
        </form>
      )}

      {error.value && (
        <p class="card__error" role="alert">
          {error.value}
        </p>
      )}
    </>
  );
}
