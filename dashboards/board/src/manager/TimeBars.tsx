import type { DurationStats } from '@vigil/contracts';
import { tm } from '../i18n/manager.ts';
import { formatDuration } from './duration.ts';

export interface TimeRow {
  key: string;
  label: string;
  times: DurationStats;
}

const show = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));

/**
 * Response times as a table with plain bars (issue 14 "plain accessible bars"): each row's typical
 * and nine-in-ten times as text, the bars drawn to scale against the longest nine-in-ten time, so
 * a screen reader reads the numbers and a glance reads the bars.
 */
export function TimeBars({ caption, rows }: { caption: string; rows: readonly TimeRow[] }) {
  const scale = Math.max(1, ...rows.map((r) => r.times.p90Ms ?? 0));
  if (rows.length === 0)
    return (
      <p class="time-bars__none">
        {caption}: {tm('noneYet')}
      </p>
    );
  return (
    <table class="time-bars">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{tm('who')}</th>
          <th scope="col">{tm('times')}</th>
          <th scope="col" title={tm('typicalHint')}>
            {tm('typical')}
          </th>
          <th scope="col">{tm('nineInTen')}</th>
          <th scope="col">{tm('longest')}</th>
          <td />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-row={r.key}>
            <th scope="row">{r.label}</th>
            <td>{r.times.count}</td>
            <td data-figure="p50">{r.times.count ? show(r.times.p50Ms) : tm('noneYet')}</td>
            <td data-figure="p90">{show(r.times.p90Ms)}</td>
            <td data-figure="max">{show(r.times.maxMs)}</td>
            <td class="time-bars__bar" aria-hidden="true">
              <span class="bar bar--p90" style={{ width: `${((r.times.p90Ms ?? 0) / scale) * 100}%` }} />
              <span class="bar bar--p50" style={{ width: `${((r.times.p50Ms ?? 0) / scale) * 100}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
