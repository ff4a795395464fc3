import { useSignal } from '@preact/signals';
import { type Alert, RESOLVE_OUTCOMES, type Resident, type ResolveOutcome } from '@vigil/contracts';
import { useEffect } from 'preact/hooks';
import { ApiError, describeError } from '../api.ts';
import { acknowledge, refreshAlert, resolve } from '../data.ts';
import {
  calledAgain,
  clockTime,
  placeText,
  conditionStatus,
  explain,
  OUTCOME_LABEL,
  PRIORITY_LABEL,
  since,
} from '../format.ts';
import { markDisplayed } from '../live.ts';
import { session } from '../session.ts';
import { calledAt, now, toMs } from '../store.ts';
import { AlertTasks } from './AlertTasks.tsx';

interface Props {
  alert: Alert;
  resident: Resident | undefined;
  canAck: boolean;
  canResolve: boolean;
}

/** How long a freshly raised card keeps its arrival animation. */
const NEW_FOR_MS = 30_000;

function who(userId: string | undefined): string {
  if (!userId) return 'someone';
  return userId === session.value?.user.id ? 'you' : userId;
}

export function AlertCard({ alert, resident, canAck, canResolve }: Props) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const choosing = useSignal(false);

  // Contract §2 `receipt`: this alert is now on a caregiver's screen.
  useEffect(() => markDisplayed(alert.id), [alert.id]);

  const run = async (action: () => Promise<void>) => {
    busy.value = true;
    error.value = null;
    try {
      await action();
      choosing.value = false;
    } catch (err) {
      // 409: someone else got there first; show the alert as it is now, and say so.
      if (err instanceof ApiError && err.status === 409) {
        error.value = `Not done: ${err.message}. The card shows the current state.`;
        await refreshAlert(alert.id);
      } else {
        error.value = `Not done: ${describeError(err)}`;
      }
    } finally {
      busy.value = false;
    }
  };

  const raised = toMs(alert.raisedAt);
  // A re-raise is a new call for help (contract §3.1): the card arrives again.
  const isNew = now.value - calledAt(alert) < NEW_FOR_MS;
  const again = calledAgain(alert);
  const status = conditionStatus(alert);
  const why = explain(alert.explanation, alert.kind, { omitSince: status?.holds === true });
  const titleId = `alert-title-${alert.id}`;
  const residentName = resident?.name ?? alert.residentId;
  const classes = ['card', `card--${alert.priority}`, `card--${alert.state}`];
  // A latched alert whose condition cleared: calmer (no pulse), still open until a person resolves it.
  if (status && !status.holds) classes.push('card--cleared');
  else {
    if (isNew && alert.state === 'active') classes.push('card--new');
    // An active high alert pulses until someone acknowledges it, however long that takes (IEC 60601-1-8
    // alarm signal: it does not stop by itself).
    if (alert.priority === 'high' && alert.state === 'active') classes.push('card--pulse');
  }

  return (
    <article
      // biome-ignore lint/a11y/noRedundantRoles: explicit, so the board's tests and assistive tech agree
      role="article"
      class={classes.join(' ')}
      data-alert-id={alert.id}
      data-priority={alert.priority}
      data-state={alert.state}
      data-condition={status ? (status.holds ? 'holds' : 'cleared') : undefined}
      aria-labelledby={titleId}
    >
      <div class="card__head">
        <span class={`prio prio--${alert.priority}`}>
          <span class="visually-hidden">Priority </span>
          {PRIORITY_LABEL[alert.priority]}
        </span>
        <h3 class="card__title" id={titleId}>
          {alert.title}
        </h3>
        {alert.occurrences > 1 && (
          <span class="card__occ" title={`Happened ${alert.occurrences} times`}>
            ×{alert.occurrences}
          </span>
        )}
        {again && (
          <span class="card__again" data-testid="alert-called-again">
            {again}
          </span>
        )}
        <span class={`state state--${alert.state}`} data-testid="alert-state">
          {alert.state === 'active' ? 'Active' : 'Acknowledged'}
        </span>
      </div>

      <p class="card__who">
        {residentName && <strong>{residentName}</strong>}
        {residentName && placeText(alert, resident) ? ' · ' : ''}
        {placeText(alert, resident)}
      </p>

      <p class="card__time">
        Raised <time dateTime={alert.raisedAt}>{since(raised, now.value)}</time> ({clockTime(raised)})
        {alert.occurrences > 1 && <> · last seen {since(toMs(alert.lastSeenAt), now.value)}</>}
        {alert.escalationLevel > 0 && <span class="card__esc"> · Escalated, level {alert.escalationLevel}</span>}
      </p>

      {status && (
        <p class={`card__cond card__cond--${status.holds ? 'holds' : 'cleared'}`} data-testid="alert-condition">
          <span class="card__cond-dot" aria-hidden="true" />
          {status.text}
        </p>
      )}

      <div class="card__why">
        <p>
          <span class="card__label">Why:</span> {why.condition}
        </p>
        {why.path && (
          <p data-testid="alert-path">
            <span class="card__label">Raised by:</span> {why.path}
          </p>
        )}
        {why.window && (
          <p>
            <span class="card__label">Window:</span> {why.window}
          </p>
        )}
        {why.late && (
          <p class="card__late">
            <span class="card__label">Late data:</span> {why.late}
          </p>
        )}
        {why.inputs.length > 0 && <p class="card__inputs">{why.inputs.join(' · ')}</p>}
        <p class="card__rule">Rule {why.rule}</p>
      </div>

      {alert.state === 'acknowledged' && (
        <p class="card__ack">
          Acknowledged by {who(alert.acknowledgedBy)}
          {alert.acknowledgedAt ? ` at ${clockTime(toMs(alert.acknowledgedAt))}` : ''}
        </p>
      )}

      <AlertTasks alertId={alert.id} />

      {(canAck || canResolve) && (
        <div class="card__actions">
          {canAck && alert.state === 'active' && (
            <button
              type="button"
              class="btn btn--primary"
              disabled={busy.value}
              onClick={() => run(() => acknowledge(alert.id))}
            >
              Acknowledge
            </button>
          )}
          {canResolve && !choosing.value && (
            <button type="button" class="btn" disabled={busy.value} onClick={() => (choosing.value = true)}>
              Resolve
            </button>
          )}
        </div>
      )}

      {choosing.value && (
        <fieldset class="outcomes">
          <legend>How was it resolved?</legend>
          {RESOLVE_OUTCOMES.map((o: ResolveOutcome) => (
            <button
              key={o}
              type="button"
              class="btn"
              data-outcome={o}
              disabled={busy.value}
              onClick={() => run(() => resolve(alert.id, o))}
            >
              {OUTCOME_LABEL[o]}
            </button>
          ))}
          <button type="button" class="btn btn--ghost" disabled={busy.value} onClick={() => (choosing.value = false)}>
            Cancel
          </button>
        </fieldset>
      )}

      {error.value && (
        <p class="card__error" role="alert">
          {error.value}
        </p>
      )}
    </article>
  );
}
