import type { DeviceProfile, RuleSettingsBody, ThresholdVital, VitalSampling } from '@vigil/contracts';
import { NEWS2_FRESHNESS_MS } from './news2.ts';

/**
 * How a device measures a vital (settings `profiles`): a stream or spot readings, and how long a
 * reading counts. A vital the device's profile does not name is a spot reading (clinical.md: blood
 * pressure and temperature are spot readings unless the profile says it streams them).
 */
export function samplingOf(s: RuleSettingsBody, profile: DeviceProfile, vital: ThresholdVital): VitalSampling {
  return s.profiles[profile][vital] ?? { mode: 'spot', freshMs: NEWS2_FRESHNESS_MS[vital] };
}

/**
 * A spot reading: from a spot-check device, or a stream's first reading after a gap longer than
 * `streamGapMs` (clinical.md). Past a critical limit it raises at once.
 */
export function isSpotReading(
  sampling: VitalSampling,
  previousTs: number | undefined,
  ts: number,
  streamGapMs: number,
): boolean {
  return sampling.mode === 'spot' || previousTs === undefined || ts - previousTs > streamGapMs;
}
