import { t as tc } from '../i18n/consult.ts';
import { formatTime } from '../i18n/format.ts';
import { t } from '../i18n/report-push.ts';
import { dismissReportUpdate, type PushedReport } from './report-live.ts';

/**
 * A pushed risk change for the open consult's resident, in plain words (issue 15 item 2): up or down,
 * from which level to which, the measures that drive it, and when. A rise is a warning, a fall a note.
 */
export function RiskNotice({ pushed }: { pushed: PushedReport }) {
  const d = pushed.data;
  const rose = d.summary.direction === 'rose';
  const levels = { from: tc(`risk_${d.previousRisk}`), to: tc(`risk_${d.risk}`) };
  const what = d.summary.drivers.map((p) => tc(`sub_${p}`)).join(', ');
  return (
    <div
      class={`notice ${rose ? 'notice--warn' : ''} consult-risk-notice`}
      role={rose ? 'alert' : 'status'}
      data-testid="report-pushed"
      data-direction={d.summary.direction}
      data-risk={d.risk}
    >
      <p>
        <strong>{rose ? t('rose', levels) : t('fell', levels)}</strong>
        {what && ` ${t('because', { what })}`}
        {d.summary.partial && ` ${t('incomplete')}`}
      </p>
      <p>{t('readingAt', { time: formatTime(Date.parse(d.at)) })}</p>
      <button type="button" class="btn" onClick={() => dismissReportUpdate(d.residentId)}>
        {t('dismiss')}
      </button>
    </div>
  );
}
