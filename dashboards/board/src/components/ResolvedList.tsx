import { OUTCOME_LABEL, PRIORITY_LABEL, since } from '../format.ts';
import { now, recentlyResolved, residents, toMs } from '../store.ts';

/** The last few resolved alerts, so the shift can see what just closed and how (contract §3.1 outcome). */
export function ResolvedList() {
  return (
    <section class="resolved" aria-labelledby="resolved-heading">
      <h3 id="resolved-heading">Recently resolved</h3>
      <ul>
        {recentlyResolved.value.map((a) => {
          const who = a.residentId ? (residents.value.get(a.residentId)?.name ?? a.residentId) : null;
          return (
            <li key={a.id} data-resolved-alert-id={a.id}>
              <span class={`prio prio--${a.priority} prio--small`}>{PRIORITY_LABEL[a.priority]}</span>
              <span class="resolved__title">
                {a.title}
                {who ? ` · ${who}` : ''}
              </span>
              <span class="resolved__meta">
                {a.outcome ? OUTCOME_LABEL[a.outcome] : 'Resolved'}
                {a.resolvedAt ? `, ${since(toMs(a.resolvedAt), now.value)}` : ''}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
