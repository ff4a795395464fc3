import { useSignal } from '@preact/signals';
import type { Task } from '@vigil/contracts';
import { describeError } from '../api.ts';
import { t } from '../i18n/consult.ts';
import { session } from '../session.ts';
import { declineTask, refreshTask } from '../task-data.ts';
import { acceptConsult, completeConsult } from './consult-data.ts';

/** The gateway's limit on a note (`TaskActionRequest`). */
const NOTE_MAX = 2000;

/**
 * Take the consult, then finish it with a note. The note is clinical: the gateway stores it
 * encrypted and records who wrote it and who reads it.
 */
export function ConsultActions({ task }: { task: Task }) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const note = useSignal('');
  const mine = task.assigneeId === session.value?.user.id;
  const canAccept = task.state === 'open' || (task.state === 'assigned' && mine);
  const canFinish = mine && (task.state === 'accepted' || task.state === 'in_progress');
  if (!canAccept && !canFinish) return null;

  const run = async (action: () => Promise<void>) => {
    busy.value = true;
    error.value = null;
    try {
      await action();
    } catch (err) {
      error.value = t('actionFailed', { reason: describeError(err) });
      await refreshTask(task.id);
    } finally {
      busy.value = false;
    }
  };

  const finish = (e: Event) => {
    e.preventDefault();
    const text = note.value.trim();
    if (!text) {
      error.value = t('noteNeeded');
      return;
    }
    void run(async () => {
      await completeConsult(task.id, text);
      note.value = '';
    });
  };

  const noteId = `consult-note-${task.id}`;
  return (
    <div class="consult-actions">
      {canAccept && (
        <button
          type="button"
          class="btn btn--primary"
          data-testid="consult-accept"
          disabled={busy.value}
          onClick={() => void run(() => acceptConsult(task.id))}
        >
          {busy.value ? t('accepting') : t('accept')}
        </button>
      )}
      {task.state === 'assigned' && mine && (
        // Offered to the next doctor on duty, never back to this one (docs/api.md "Tasks").
        <button
          type="button"
          class="btn"
          data-testid="consult-pass"
          disabled={busy.value}
          onClick={() => void run(() => declineTask(task.id))}
        >
          {t('pass')}
        </button>
      )}
      {canFinish && (
        <form class="consult-note-form" onSubmit={finish}>
          <label for={noteId}>{t('noteLabel')}</label>
          <p class="consult-hint" id={`${noteId}-hint`}>
            {t('noteHint')}
          </p>
          <textarea
            id={noteId}
            data-testid="consult-note-input"
            rows={4}
            maxLength={NOTE_MAX}
            aria-describedby={`${noteId}-hint`}
            value={note.value}
            onInput={(e) => (note.value = (e.currentTarget as HTMLTextAreaElement).value)}
          />
          <button type="submit" class="btn btn--primary" data-testid="consult-complete" disabled={busy.value}>
            {busy.value ? t('completing') : t('complete')}
          </button>
        </form>
      )}
      {error.value && (
        <p class="notice notice--error" role="alert">
          {error.value}
        </p>
      )}
    </div>
  );
}
