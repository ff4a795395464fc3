import type { SlaWarning } from '@vigil/contracts';
import { clockTime, since } from '../format.ts';
import { slaError, slaLoaded, slaWarnings } from '../sla.ts';
import { now, toMs } from '../store.ts';
import { humaniseDetail, SLA_KIND_LABEL, slaFigures } from '../tasks-format.ts';
import { staffNames } from '../team.ts';

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
      <p class="sla__detail">{humaniseDetail(w.detail)}</p>
      {(staff || figures) && (
        <p class="sla__meta">
          {staff && (
            <>
              <span class="card__label">Staff:</span> {staff}
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
        <h2 id="sla-heading">SLA warnings</h2>
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
        <p class="empty empty--small">
          {slaLoaded.value ? 'No SLA warnings in the last 12 hours.' : 'Loading SLA warnings…'}
        </p>
      )}
      {list.length > 0 && (
        <ul class="sla-list" aria-label="SLA warnings, newest first">
          {list.map((w) => (
            <Warning key={w.id} w={w} />
          ))}
        </ul>
      )}
    </section>
  );
}
