import { formatNumber } from '../i18n/format.ts';
import { tm } from '../i18n/manager.ts';

/** A duration as a manager reads it: seconds under 90 s, minutes under 2 h, else hours. */
export function formatDuration(ms: number): string {
  if (ms < 90_000) return tm('seconds', { n: formatNumber(ms / 1000, 0) });
  if (ms < 2 * 3_600_000) return tm('minutes', { n: formatNumber(ms / 60_000) });
  return tm('hours', { n: formatNumber(ms / 3_600_000) });
}

/** Milliseconds as minutes for a form field (0.5 min = 30 s), without float noise. */
export const msToMinutes = (ms: number): string => String(Math.round((ms / 60_000) * 1000) / 1000);

/** A form field's minutes as whole milliseconds; undefined when it is not a number. */
export function minutesToMs(text: string): number | undefined {
  const n = Number(text.trim().replace(',', '.'));
  return text.trim() === '' || !Number.isFinite(n) ? undefined : Math.round(n * 60_000);
}
