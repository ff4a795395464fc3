import type { EpisodeState, PersistenceSpec } from './persistence.ts';
import { formatDuration } from './thresholds.ts';

/**
 * How an episode reached its tier, in words for the alert's explanation (clinical.md: "the alert
 * explains which path fired"). Undefined for an episode that has not risen, or rose on one reading
 * without a window to explain.
 */
export function describeEvidence(ep: EpisodeState, spec: PersistenceSpec): string | undefined {
  const e = ep.evidence;
  if (!e || !ep.path) return undefined;
  switch (ep.path) {
    case 'sustained':
      // No window (a sensor's alarm, a technical condition): nothing to explain beyond the condition.
      return spec.forMs === 0
        ? undefined
        : `${e.abnormal} of ${e.readings} readings past the limit over ${formatSpan(e.spanMs)} (at least ${Math.round(spec.fraction * 100)} % of the readings of ${formatDuration(spec.forMs)})`;
    case 'confirmed':
      return `two readings in a row past the limit, ${formatSpan(e.spanMs)} apart`;
    case 'critical_stream':
      return `past the critical limit for ${formatSpan(e.spanMs)} of the stream (${e.abnormal} of ${e.readings} readings)`;
    case 'critical_spot':
      return 'a spot reading past the critical limit raises at once';
  }
}

/** A device-time span as a person says it: "40 s", "4 min", "2 h 5 min". */
export function formatSpan(ms: number): string {
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  const min = Math.round(ms / 60_000);
  if (min < 90) return `${min} min`;
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}
