import type { SlaWarning } from '@vigil/contracts';
import { formatTime } from '../i18n/format.ts';
import { causeName, delayKindName, priorityName, tm } from '../i18n/manager.ts';
import { slaError, slaLoaded, slaWarnings } from '../sla.ts';
import { toMs } from '../store.ts';
import { staffNames } from '../team.ts';
import { formatDuration } from './duration.ts';

function where(w: SlaWarning): string | undefined {
  if (w.residentName && w.roomId) return tm('residentInRoom', { resident: w.residentName, room: w.roomId });
  if (w.residentName) return w.residentName;
  return w.roomId ? tm('roomOnly', { room: w.roomId }) : undefined;
}

function figures(w: SlaWarning): string {
  if (w.count !== undefined && w.kind !== 'consult_response_streak' && w.actualMs === undefined)
    return tm('timesInRow', { n: w.count });
  const limit = formatDuration(w.limitMs);
  return w.actualMs === undefined
    ? tm('limitOnly', { limit })
    : tm('limitAndActual', { limit, actual: formatDuration(w.actualMs) });
}

/** One delay in plain words: what, about whom and where, who holds it, how late (issue 14). */
function Delay({ w }: { w: SlaWarning }) {
  const place = where(w);
  const staff = w.staffName ?? (w.staffId ? staffNames.value.get(w.staffId) : undefined);
  const raised = toMs(w.raisedAt);
  return (
    <li class={`sla sla--${w.kind}`} data-sla-id={w.id} data-sla-kind={w.kind}>
      <div class="sla__head">
        <strong class="sla__kind">{delayKindName(w.kind)}</strong>
        <time class="sla__time" dateTime={w.raisedAt}>
          {formatTime(raised)}
        </time>
      </div>
      {place && <p class="sla__where">{place}</p>}
      {w.alertKind && (
        <p class="sla__detail">
          {causeName(w.alertKind)}
          {w.alertPriority ? ` · ${priorityName(w.alertPriority)}` : ''}
        </p>
      )}
      <p class="sla__meta">
        {staff ? `${tm('staffIs', { name: staff })} · ` : ''}
        {figures(w)}
      </p>
    </li>
  );
}

/** Live SLA warnings (contract §3.3) naming resident, room and staff member, newest first. */
export function DelayList() {
  const list = slaWarnings.value;
  return (
    <section class="panel panel--sla" aria-labelledby="delays-heading">
      <div class="panel__head">
        <h2 id="delays-heading">{tm('delaysHeading')}</h2>
        <span class="panel__count" aria-live="polite">
          {list.length || ''}
        </span>
      </div>
      {slaError.value && (
        <p class="notice notice--error" role="alert">
          {tm('loadFailed', { reason: slaError.value })}
        </p>
      )}
      {list.length === 0 && !slaError.value && (
        <p class="empty empty--small">{slaLoaded.value ? tm('delaysEmpty') : tm('loading')}</p>
      )}
      {list.length > 0 && (
        <ul class="sla-list" aria-label={tm('delaysList')}>
          {list.map((w) => (
            <Delay key={w.id} w={w} />
          ))}
        </ul>
      )}
    </section>
  );
}
