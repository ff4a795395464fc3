import { DeviceEvent, VitalsSample } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { sosEvent, wearable } from './payloads.ts';

describe('payloads', () => {
  it('are valid samples and events of the contract, with normal vitals', () => {
    const w = wearable(7);
    const t0 = Date.now();
    for (let i = 0; i < 700; i++) {
      const json = JSON.parse(w.vitals(t0 + i * 1000, i + 1)) as Record<string, number>;
      expect(VitalsSample.safeParse(json).success).toBe(true);
      // NEWS2 chart 1 scores 0 for all of these: no vitals alert competes with the SOS being timed.
      expect(json.hr).toBeGreaterThanOrEqual(51);
      expect(json.hr).toBeLessThanOrEqual(90);
      expect(json.spo2).toBeGreaterThanOrEqual(96);
      expect(json.rr).toBeGreaterThanOrEqual(12);
      expect(json.rr).toBeLessThanOrEqual(20);
      if (json.sbp !== undefined) expect(json.sbp).toBeGreaterThanOrEqual(111);
    }
    expect(DeviceEvent.safeParse(JSON.parse(sosEvent(t0, 5))).success).toBe(true);
  });

  it('repeat for the same seed', () => {
    expect(wearable(3).vitals(1, 1)).toBe(wearable(3).vitals(1, 1));
  });
});
