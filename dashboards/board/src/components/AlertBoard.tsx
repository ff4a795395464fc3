import { useRef } from 'preact/hooks';
import { alertsError, loading, openAlerts, recentlyResolved, residents } from '../store.ts';
import { AlertCard } from './AlertCard.tsx';
import { NewAlarmChip } from './NewAlarmChip.tsx';
import { ResolvedList } from './ResolvedList.tsx';
import { tAlerts } from '../i18n/alerts.ts';

interface Props {
  canAck: boolean;
  canResolve: boolean;
}

export function AlertBoard({ canAck, canResolve }: Props) {
  const list = openAlerts.value;
  const active = list.filter((a) => a.state === 'active').length;
  const top = useRef<HTMLDivElement>(null);
  return (
    <section class="panel panel--alerts" aria-labelledby="alerts-heading">
      {/* Where new calls appear: the "new alarms" chip watches it and scrolls back to it. */}
      <div class="alert-list__top" ref={top} />
      <NewAlarmChip top={top} />
      <div class="panel__head">
        <h2 id="alerts-heading">{tAlerts('openAlerts')}</h2>
        <span class="panel__count" aria-live="polite">
          {list.length === 0 ? tAlerts('countNone') : tAlerts('count', { open: list.length, waiting: active })}
        </span>
      </div>
      {alertsError.value && (
        <p class="notice notice--error" role="alert">
          {alertsError.value}
        </p>
      )}
      {list.length === 0 && !alertsError.value && (
        <p class="empty">{loading.value ? tAlerts('loading') : tAlerts('allQuiet')}</p>
      )}
      <ul class="alert-list" aria-label={tAlerts('listLabel')}>
        {list.map((a) => (
          <li key={a.id}>
            <AlertCard
              alert={a}
              resident={a.residentId ? residents.value.get(a.residentId) : undefined}
              canAck={canAck}
              canResolve={canResolve}
            />
          </li>
        ))}
      </ul>
      {recentlyResolved.value.length > 0 && <ResolvedList />}
    </section>
  );
}
