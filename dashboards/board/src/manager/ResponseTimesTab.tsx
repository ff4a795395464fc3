import type { AlertStats } from '@vigil/contracts';
import { useEffect } from 'preact/hooks';
import { formatNumber, formatPercent } from '../i18n/format.ts';
import { causeName, roleName, tm } from '../i18n/manager.ts';
import { boardFacility } from './facility.ts';
import { loadStats, RANGES, type RangeKey, stats, statsError, statsRange } from './stats.ts';
import { type TimeRow, TimeBars } from './TimeBars.tsx';

const rows = (s: AlertStats, which: 'acknowledge' | 'onSite', by: 'role' | 'staff'): TimeRow[] =>
  by === 'role'
    ? s.byRole.filter((r) => r[which].count > 0).map((r) => ({ key: r.role, label: roleName(r.role), times: r[which] }))
    : s.byStaff
        .filter((r) => r[which].count > 0)
        .map((r) => ({ key: r.staffId, label: r.name ?? r.staffId, times: r[which] }));

function Figure({ label, value, note, id }: { label: string; value: string; note?: string; id: string }) {
  return (
    <div class="figure" data-figure={id}>
      <span class="figure__label">{label}</span>
      <strong class="figure__value">{value}</strong>
      {note && <span class="figure__note">{note}</span>}
    </div>
  );
}

/** Response times, false alarms, missed limits and alarms per resident-day (`GET /api/alerts/stats`). */
export function ResponseTimesTab() {
  const facility = boardFacility.value;
  const range = statsRange.value;
  useEffect(() => {
    if (facility) void loadStats(facility, range);
  }, [facility, range]);
  const s = stats.value;
  return (
    <section class="panel manager-times" aria-labelledby="times-heading">
      <div class="panel__head">
        <h2 id="times-heading">{tm('tabTimes')}</h2>
        <label class="range-pick">
          {tm('period')}{' '}
          <select
            value={range}
            onChange={(e) => {
              statsRange.value = (e.currentTarget as HTMLSelectElement).value as RangeKey;
            }}
          >
            {(Object.keys(RANGES) as RangeKey[]).map((k) => (
              <option key={k} value={k}>
                {tm(k)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {statsError.value && (
        <p class="notice notice--error" role="alert">
          {tm('loadFailed', { reason: statsError.value })}
        </p>
      )}
      {!s && !statsError.value && <p class="empty empty--small">{tm('loading')}</p>}
      {s && (
        <>
          <div class="figures">
            <Figure id="alarms" label={tm('alarms')} value={formatNumber(s.alerts.raised, 0)} />
            <Figure
              id="false-alarms"
              label={tm('falseAlarms')}
              value={s.alerts.falseAlarmRate === null ? '—' : formatPercent(s.alerts.falseAlarmRate)}
              note={tm('falseAlarmsOf', { n: s.alerts.falseAlarms, of: s.alerts.resolvedByPerson })}
            />
            <Figure id="missed" label={tm('missedLimits')} value={formatNumber(s.breaches.total, 0)} />
          </div>
          <h3>{tm('answerHeading')}</h3>
          <TimeBars caption={tm('byRole')} rows={rows(s, 'acknowledge', 'role')} />
          <TimeBars caption={tm('byStaff')} rows={rows(s, 'acknowledge', 'staff')} />
          <h3>{tm('reachHeading')}</h3>
          <TimeBars caption={tm('byRole')} rows={rows(s, 'onSite', 'role')} />
          <TimeBars caption={tm('byStaff')} rows={rows(s, 'onSite', 'staff')} />
          <h3>{tm('perResidentDayHeading')}</h3>
          {s.byRule.length === 0 ? (
            <p class="empty empty--small">{tm('noAlarms')}</p>
          ) : (
            <table class="rule-rates">
              <thead>
                <tr>
                  <th scope="col">{tm('cause')}</th>
                  <th scope="col">{tm('alarms')}</th>
                  <th scope="col">{tm('perResidentDay')}</th>
                </tr>
              </thead>
              <tbody>
                {s.byRule.map((r) => (
                  <tr key={r.kind} data-kind={r.kind}>
                    <th scope="row">{causeName(r.kind)}</th>
                    <td>{r.alerts}</td>
                    <td>{r.perResidentDay === null ? '—' : formatNumber(r.perResidentDay, 2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
