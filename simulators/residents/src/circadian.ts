/**
 * Day/night rhythm of a resident. Deterministic from the timestamp alone, with the facility's UTC
 * offset given explicitly (not the host's time zone) so a seeded run is identical on any machine.
 */

import type { VitalKey } from '@vigil/contracts';

/** Hangzhou (UTC+8) by default: the contract's example coordinates. */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;

/** Local hour of day in [0, 24). */
export function localHour(atMs: number, utcOffsetMinutes: number): number {
  const minutes = Math.floor(atMs / 60_000) + utcOffsetMinutes;
  return (((minutes % 1440) + 1440) % 1440) / 60 + (atMs % 60_000) / 3_600_000;
}

/** Local calendar day number (for resetting the step counter at local midnight). */
export function localDay(atMs: number, utcOffsetMinutes: number): number {
  return Math.floor((atMs + utcOffsetMinutes * 60_000) / 86_400_000);
}

/** Residents sleep roughly 22:00–06:30. */
export function isAsleep(hour: number): boolean {
  return hour >= 22 || hour < 6.5;
}

const cosine = (hour: number, peakHour: number) => Math.cos((2 * Math.PI * (hour - peakHour)) / 24);

/**
 * Shifts from the resident's baseline by time of day: core temperature peaks late afternoon and
 * bottoms out before dawn (~±0.25 °C); heart rate and respiration fall in sleep; blood pressure has
 * a morning surge.
 */
export function circadianShift(hour: number): Record<VitalKey, number> {
  const asleep = isAsleep(hour);
  return {
    hr: 3 * cosine(hour, 14) + (asleep ? -5 : 0),
    spo2: asleep ? -0.5 : 0,
    rr: asleep ? -1 : 0,
    sbp: 6 * cosine(hour, 10),
    dbp: 4 * cosine(hour, 10),
    temp: 0.25 * cosine(hour, 17),
  };
}
