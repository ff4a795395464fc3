import type { SlaWarning } from '@vigil/contracts';
import { clockTime, since } from '../format.ts';
import { slaError, slaLoaded, slaWarnings } from '../sla.ts';
import { now, toMs } from '../store.ts';
import { humaniseDetail, SLA_KIND_LABEL, slaFigures } from '../tasks-format.ts';
import { alertKindLabel } from '../i18n/labels.ts';
import { locale } from '../i18n/locale.ts';
import { tResidents } from '../i18n/residents.ts';
import { tPanels } from '../i18n/tasks.ts';
import { residents } from '../store.ts';
import { staffNames } from '../team.ts';

/**
 * The warning's detail: the platform writes it in English prose, so in Chinese the board says it from
 * the warning's fields instead (the alert's kind and the resident).
 */
function slaDetail(w: SlaWarning): string {
  if (locale.value === 'en') return humaniseDetail(w.detail);
  const who = w.residentId ? (residents.value.get(w.residentId)?.name ?? tResidents('resident')) : undefined;
  const what = w.alertKind ? alertKindLabel(w.alertKind) : SLA_KIND_LABEL[w.kind];
  return tPanels('slaAbout', { what, ...(who && { who }) });
}

function Warning({ w }: { w: SlaWarning }) {
  const raised = toMs(w.raisedAt);
  const figures = slaFigures(w);
  const staff = w.staffId ? (staffNames.value.get(w.staffId) ?? w.staffId) : undefined;
  return (
    <li class={`sla sla--${w.kind}`} data-sla-id={w.id} data-sla-kind={w.kind}>
      <div class="sla__head">
        <strong class="sla__kind">{SLA_KIND_LABEL[w.kind] ?? w.kind}</strong>
        <time class="sla__time" dateTime={w.raisedAt} title={clockTime(raised, true)}>
          {since(raised, now.value)}
        </time>
      </div>
      <p class="sla__detail">{slaDetail(w)}</p>
      {(staff || figures) && (
        <p class="sla__meta">
          {staff && (
            <>
              <span class="card__label">{tPanels('staff')}</span> {staff}
            </>
          )}
          {staff && figures ? ' · ' : ''}
          {figures}
        </p>
      )}
    </li>
  );
}

/** SLA warnings for managers (contract §3.3): live `sla` events and the recent history, newest first. */
export function SlaPanel() {
  const list = slaWarnings.value;
  return (
    <section class="panel panel--sla" aria-labelledby="sla-heading">
      <div class="panel__head">
        <h2 id="sla-heading">{tPanels('slaHeading')}</h2>
        <span class="panel__count" aria-live="polite">
          {list.length || ''}
        </span>
      </div>
      {slaError.value && (
        <p class="notice notice--error" role="alert">
          {slaError.value}
        </p>
      )}
      {list.length === 0 && !slaError.value && (
        <p class="empty empty--small">{slaLoaded.value ? tPanels('slaNone') : tPanels('slaLoading')}</p>
      )}
      {list.length > 0 && (
        <ul class="sla-list" aria-label={tPanels('slaListLabel')}>
          {list.map((w) => (
            <Warning key={w.id} w={w} />
          ))}
        </ul>
      )}
    </section>
  );
}
