import { RESOLVE_OUTCOMES, type ResolveOutcome, type Task } from '@vigil/contracts';
import { useEffect, useRef } from 'preact/hooks';
import { outcomeKey, tt } from '../i18n/alert-task.ts';

interface Props {
  task: Pick<Task, 'id'>;
  busy: boolean;
  /** An outcome closes the alert with it; undefined finishes the task and leaves the alert open. */
  onChoose(outcome: ResolveOutcome | undefined): void;
  onBack(): void;
}

/**
 * "How did it go?" when completing an alert's task (issue 14): each answer finishes the task and
 * closes the alert with that outcome in one step; the last one finishes it and leaves the alert open.
 */
export function CompleteChooser({ task, busy, onChoose, onBack }: Props) {
  const legendId = `complete-ask-${task.id}`;
  const first = useRef<HTMLButtonElement>(null);
  // The chooser replaces the buttons: focus moves into it, so keyboard and screen-reader users follow.
  useEffect(() => first.current?.focus(), []);
  return (
    <fieldset class="outcomes" aria-labelledby={legendId} data-testid="complete-chooser">
      <legend id={legendId}>{tt('completeAsk')}</legend>
      <p class="outcomes__hint">{tt('completeHint')}</p>
      {RESOLVE_OUTCOMES.map((o, i) => (
        <button
          key={o}
          ref={i === 0 ? first : undefined}
          type="button"
          class={i === 0 ? 'btn btn--primary' : 'btn'}
          data-outcome={o}
          disabled={busy}
          onClick={() => onChoose(o)}
        >
          {tt(outcomeKey(o))}
        </button>
      ))}
      <button type="button" class="btn" data-outcome="none" disabled={busy} onClick={() => onChoose(undefined)}>
        {tt('leaveOpen')}
      </button>
      <button type="button" class="btn btn--ghost" disabled={busy} onClick={onBack}>
        {tt('back')}
      </button>
    </fieldset>
  );
}
