import { computed } from '@preact/signals';
import { tr } from '../i18n/resident.ts';
import { openAlerts, recentlyResolved } from '../store.ts';
import { alarmLines } from './summary.ts';

/** A resident's socket and REST answers carry only alerts about them (scope.ts `alertInView`). */
const lines = computed(() => alarmLines([...openAlerts.value, ...recentlyResolved.value]));

/** The resident's recent alarms: what happened, when, and whether staff are on it (issue 14 item 5). */
export function RecentAlarms() {
  const list = lines.value;
  return (
    <section class="panel resident-card" aria-labelledby="alarms-heading" data-testid="own-alarms">
      <h2 id="alarms-heading">{tr('alarmsHeading')}</h2>
      {list.length === 0 ? (
        <p class="resident-card__intro">{tr('noAlarms')}</p>
      ) : (
        <ul class="readings">
          {list.map((a) => (
            <li key={a.id} class={`reading${a.open ? ' reading--open' : ''}`} data-alarm-id={a.id}>
              <strong>{a.what}</strong> <span class="reading__when">{a.when}</span> {a.state}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
