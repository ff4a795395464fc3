import { formatTime } from '../i18n/format.ts';
import { tr } from '../i18n/resident.ts';
import { now, vitals } from '../store.ts';
import { readingLines, wristbandStatus } from './summary.ts';

/** The resident's latest readings and wristband in plain sentences (issue 14 item 5). */
export function OwnSummary({ residentId, loaded }: { residentId: string; loaded: boolean }) {
  const latest = vitals.value.get(residentId);
  const lines = readingLines(latest, now.value);
  const band = wristbandStatus(latest);
  return (
    <>
      <section class="panel resident-card" aria-labelledby="summary-heading" data-testid="own-summary">
        <h2 id="summary-heading">{tr('heading')}</h2>
        {lines.length === 0 ? (
          <p class="resident-card__intro">{loaded ? tr('noReadings') : tr('loading')}</p>
        ) : (
          <ul class="readings">
            {lines.map((l) => (
              <li key={l.key} class={`reading reading--sev${l.severity}`} data-reading={l.key}>
                <span class="reading__text">{l.text}</span>
                {l.stale && <span class="reading__when"> ({tr('measuredAt', { time: formatTime(l.at) })})</span>}
              </li>
            ))}
          </ul>
        )}
        {lines.some((l) => l.severity > 0) && <p class="resident-card__note">{tr('staffKnow')}</p>}
      </section>
      {band && (
        <section class="panel resident-card" aria-labelledby="band-heading" data-testid="wristband">
          <h2 id="band-heading">{tr('wristbandHeading')}</h2>
          <ul class="readings">
            <li class="reading">{band.worn}</li>
            {band.battery && <li class={`reading${band.batteryLow ? ' reading--sev2' : ''}`}>{band.battery}</li>}
            {band.lastSeen && <li class="reading">{band.lastSeen}</li>}
          </ul>
        </section>
      )}
    </>
  );
}
