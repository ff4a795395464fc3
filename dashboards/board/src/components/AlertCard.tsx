import { useSignal } from '@preact/signals';
import { type Alert, RESOLVE_OUTCOMES, type Resident, type ResolveOutcome } from '@vigil/contracts';
import { useEffect } from 'preact/hooks';
import { alertTitle } from '../alert-text.ts';
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
import { tAlerts } from '../i18n/alerts.ts';
import { tCommon } from '../i18n/common.ts';
import { alertStateLabel } from '../i18n/labels.ts';
import { tResidents } from '../i18n/residents.ts';
import { markDisplayed } from '../live.ts';
import { session } from '../session.ts';
import { calledAt, now, toMs } from '../store.ts';
import { staffNames } from '../team.ts';
import { AlertTasks } from './AlertTasks.tsx';

interface Props {
  alert: Alert;
  resident: Resident | undefined;
  canAck: boolean;
  canResolve: boolean;
}

/** How long a freshly raised card keeps its arrival animation. */
const NEW_FOR_MS = 30_000;

/** Who acknowledged: "you", a colleague's name when the board knows it, never a user id. */
function who(userId: string | undefined): string {
  if (userId && userId === session.value?.user.id) return tCommon('you');
  return (userId && staffNames.value.get(userId)) || tCommon('colleague');
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
        error.value = tCommon('notDoneConflict', { reason: describeError(err) });
        await refreshAlert(alert.id);
      } else {
        error.value = tCommon('notDone', { reason: describeError(err) });
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
  const residentName = resident?.name ?? (alert.residentId && tResidents('resident'));
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
      data-rule={why.rule}
      aria-labelledby={titleId}
    >
      <div class="card__head">
        <span class={`prio prio--${alert.priority}`}>
          <span class="visually-hidden">{tAlerts('priority')} </span>
          {PRIORITY_LABEL[alert.priority]}
        </span>
        <h3 class="card__title" id={titleId}>
          {alertTitle(alert)}
        </h3>
        {alert.occurrences > 1 && (
          <span class="card__occ" title={tAlerts('happened', { n: alert.occurrences })}>
            ×{alert.occurrences}
          </span>
        )}
        {again && (
          <span class="card__again" data-testid="alert-called-again">
            {again}
          </span>
        )}
        <span class={`state state--${alert.state}`} data-testid="alert-state">
          {alertStateLabel(alert.state)}
        </span>
      </div>

      <p class="card__who">
        {residentName && <strong>{residentName}</strong>}
        {residentName && placeText(alert, resident) ? ' · ' : ''}
        {placeText(alert, resident)}
      </p>

      <p class="card__time">
        <time dateTime={alert.raisedAt}>
          {tAlerts('raised', { ago: since(raised, now.value), time: clockTime(raised) })}
        </time>
        {alert.occurrences > 1 && tAlerts('lastSeen', { ago: since(toMs(alert.lastSeenAt), now.value) })}
        {alert.escalationLevel > 0 && (
          <span class="card__esc">{tAlerts('escalated', { level: alert.escalationLevel })}</span>
        )}
      </p>

      {status && (
        <p class={`card__cond card__cond--${status.holds ? 'holds' : 'cleared'}`} data-testid="alert-condition">
          <span class="card__cond-dot" aria-hidden="true" />
          {status.text}
        </p>
      )}

      <div class="card__why">
        <p>
          <span class="card__label">{tAlerts('why')}</span> {why.condition}
        </p>
        {why.path && (
          <p data-testid="alert-path">
            <span class="card__label">{tAlerts('raisedBy')}</span> {why.path}
          </p>
        )}
        {why.late && (
          <p class="card__late">
            <span class="card__label">{tAlerts('lateData')}</span> {why.late}
          </p>
        )}
        {why.inputs.length > 0 && <p class="card__inputs">{why.inputs.join(' · ')}</p>}
      </div>

      {alert.state === 'acknowledged' && (
        <p class="card__ack">
          {alert.acknowledgedAt
            ? tAlerts('acknowledgedByAt', {
                who: who(alert.acknowledgedBy),
                time: clockTime(toMs(alert.acknowledgedAt)),
              })
            : tAlerts('acknowledgedBy', { who: who(alert.acknowledgedBy) })}
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
              {tAlerts('acknowledge')}
            </button>
          )}
          {canResolve && !choosing.value && (
            <button type="button" class="btn" disabled={busy.value} onClick={() => (choosing.value = true)}>
              {tAlerts('resolve')}
            </button>
          )}
        </div>
      )}

      {choosing.value && (
        <fieldset class="outcomes">
          <legend>{tAlerts('howResolved')}</legend>
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
            {tAlerts('cancel')}
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
