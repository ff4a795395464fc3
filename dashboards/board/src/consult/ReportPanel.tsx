import { type HealthReport, VITAL_KEYS } from '@vigil/contracts';
import { t as tb } from '../i18n/baselines.ts';
import { t } from '../i18n/consult.ts';
import { formatNumber, formatPercent } from '../i18n/format.ts';
import { baselineText } from './baseline-text.ts';
import type { Loaded } from './consult-data.ts';
import { news2Headline, news2Subscores } from './news2-text.ts';
import { vitalName, vitalUnit } from './VitalChart.tsx';

function News2Line({ label, n }: { label: string; n: HealthReport['news2']['current'] }) {
  return (
    <div class="report__news2" data-testid="report-news2">
      <dt>{label}</dt>
      <dd>
        {n ? (
          <>
            <strong class={`news2 news2--${n.risk}`}>{news2Headline(n)}</strong>
            {news2Subscores(n) && <span class="report__subs"> — {news2Subscores(n)}</span>}
          </>
        ) : (
          t('news2None')
        )}
      </dd>
    </div>
  );
}

/** The health status report (contract §4.4): per vital lowest/average/highest, early warning score, risk. */
export function ReportPanel({ report }: { report: Loaded<HealthReport> }) {
  return (
    <section class="cpanel consult-report" aria-labelledby="consult-report-title" data-testid="consult-report">
      <div class="cpanel__head">
        <h3 id="consult-report-title">{t('reportTitle')}</h3>
        {report.state === 'ok' && (
          <span class={`crisk crisk--${report.value.risk}`} data-testid="report-risk" data-risk={report.value.risk}>
            {t('riskIs', { level: t(`risk_${report.value.risk}`) })}
          </span>
        )}
      </div>
      {report.state === 'loading' && <p class="empty">{t('reportLoading')}</p>}
      {report.state === 'withheld' && <p class="empty">{t('reportWithheld')}</p>}
      {report.state === 'failed' && <p class="notice notice--error">{t('reportFailed', { reason: report.reason })}</p>}
      {report.state === 'ok' && <ReportBody r={report.value} />}
    </section>
  );
}

function ReportBody({ r }: { r: HealthReport }) {
  const rows = VITAL_KEYS.flatMap((k) => {
    const s = r.vitals[k];
    return s ? [{ k, s }] : [];
  });
  const digits = (k: (typeof VITAL_KEYS)[number]) => (k === 'temp' ? 1 : 0);
  return (
    <>
      <dl class="report__scores">
        <News2Line label={t('news2Now')} n={r.news2.current} />
        <News2Line label={t('news2Worst')} n={r.news2.worst} />
      </dl>
      {r.spo2Scale === 2 && <p class="consult__note">{t('scale2')}</p>}
      {rows.length === 0 ? (
        <p class="empty">{t('reportEmpty')}</p>
      ) : (
        <table class="report__table" data-testid="report-table">
          <thead>
            <tr>
              <th scope="col">{t('colVital')}</th>
              <th scope="col">{t('colLowest')}</th>
              <th scope="col">{t('colAverage')}</th>
              <th scope="col">{t('colHighest')}</th>
              <th scope="col">{t('colOutside')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ k, s }) => (
              <tr key={k} data-vital={k}>
                <th scope="row">
                  {vitalName(k)} <span class="report__unit">({vitalUnit(k)})</span>
                </th>
                <td>{formatNumber(s.min, digits(k))}</td>
                <td>{formatNumber(s.mean, 1)}</td>
                <td>{formatNumber(s.max, digits(k))}</td>
                <td>{formatPercent(s.outOfRangePct / 100)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Baselines baselines={r.baselines ?? []} />
      <p class="consult__note">{t('alertsRaised', { n: r.alerts.raised, open: r.alerts.open })}</p>
    </>
  );
}

/** The personal baselines the rules hold for the resident (issue 15 item 1), one line each. */
function Baselines({ baselines }: { baselines: readonly NonNullable<HealthReport['baselines']>[number][] }) {
  if (baselines.length === 0) return null;
  return (
    <div class="report__baselines" data-testid="report-baselines">
      <h4>{tb('title')}</h4>
      <ul>
        {baselines.map((b) => (
          <li key={`${b.vital}-${b.context}`} data-vital={b.vital} data-state={b.state} data-limit={b.limit}>
            {baselineText(b)}
          </li>
        ))}
      </ul>
    </div>
  );
}
