import { OUTCOME_LABEL, PRIORITY_LABEL, since } from '../format.ts';
import { now, recentlyResolved, residents, toMs } from '../store.ts';
import { alertTitle } from '../alert-text.ts';
import { tAlerts } from '../i18n/alerts.ts';
import { tResidents } from '../i18n/residents.ts';

/** The last few resolved alerts, so the shift can see what just closed and how (contract §3.1 outcome). */
export function ResolvedList() {
  return (
    <section class="resolved" aria-labelledby="resolved-heading">
      <h3 id="resolved-heading">{tAlerts('recentlyResolved')}</h3>
      <ul>
        {recentlyResolved.value.map((a) => {
          const who = a.residentId ? (residents.value.get(a.residentId)?.name ?? tResidents('resident')) : null;
          return (
            <li key={a.id} data-resolved-alert-id={a.id}>
              <span class={`prio prio--${a.priority} prio--small`}>{PRIORITY_LABEL[a.priority]}</span>
              <span class="resolved__title">
                {alertTitle(a)}
                {who ? ` · ${who}` : ''}
              </span>
              <span class="resolved__meta">
                {a.outcome ? OUTCOME_LABEL[a.outcome] : tAlerts('resolved')}
                {a.resolvedAt ? `, ${since(toMs(a.resolvedAt), now.value)}` : ''}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
