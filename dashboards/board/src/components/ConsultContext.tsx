import { clockTime, since } from '../format.ts';
import { now } from '../store.ts';
import { consultView } from '../tasks-format.ts';
import { tTasks } from '../i18n/tasks.ts';

/**
 * What a remote consult starts from (contract §3.2 `context`): latest vitals, NEWS2 with sub-scores and
 * the last hour's trend, so the doctor can begin without another query. Without the resident's health
 * consent the gateway strips the context, and the card says so instead of showing an empty box.
 */
export function ConsultContext({ context }: { context: unknown }) {
  const v = consultView(context);
  if (!v || (v.latest.length === 0 && !v.news2 && v.trend.length === 0)) {
    return (
      <p class="task__withheld" data-testid="consult-withheld">
        {v ? tTasks('noRecentVitals') : tTasks('vitalsNotShared')}
      </p>
    );
  }
  return (
    <div class="consult" data-testid="consult-context">
      {v.news2 && (
        <p class={`news2 news2--${v.news2.risk}`} data-testid="consult-news2">
          <span class="news2__score">{v.news2.text}</span>
          {v.news2.subscores && <span class="consult__subs"> — {v.news2.subscores}</span>}
        </p>
      )}
      {v.latest.length > 0 && (
        <dl class="consult__latest" aria-label={tTasks('latestVitals')}>
          {v.latest.map((l) => (
            <div key={l.key} class="consult__vital">
              <dt>{l.label}</dt>
              <dd>
                {l.value}
                {l.at !== undefined && (
                  <span class="consult__at" title={clockTime(l.at, true)}>
                    {' '}
                    {since(l.at, now.value)}
                  </span>
                )}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {v.trend.length > 0 && (
        <table class="consult__trend">
          <caption>{tTasks('lastHour')}</caption>
          <thead>
            <tr>
              <th scope="col">{tTasks('vital')}</th>
              <th scope="col">{tTasks('minMax')}</th>
              <th scope="col">{tTasks('mean')}</th>
              <th scope="col">{tTasks('outOfRange')}</th>
            </tr>
          </thead>
          <tbody>
            {v.trend.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                <td>{r.range}</td>
                <td>{r.mean}</td>
                <td>{r.outOfRange}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {v.worstNews2 && <p class="consult__note">{v.worstNews2}</p>}
      {v.carePlan.length > 0 && <p class="consult__note">{tTasks('carePlan', { list: v.carePlan.join(' · ') })}</p>}
    </div>
  );
}
