/**
 * What the benchmark's wearables send (contract §1.1, §1.2): a resident at rest with normal vitals
 * (NEWS2 chart 1 scores 0: HR 51–90, SpO2 ≥ 96, RR 12–20, temp 36.1–38.0, SBP 111–219), so vitals
 * load the pipeline fully but raise no alert, and the only alerts on the boards are the SOS presses
 * being timed. The fields match simulators/residents (HR, SpO2, RR, temperature, battery, worn, steps,
 * blood pressure from a cuff every few minutes). Cheap on purpose: the driver shares the CPU with
 * the target.
 */

/** mulberry32: a tiny seeded PRNG, so two runs send the same values. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One cuff reading per this many ms of device time (clinical.md: blood pressure is taken rarely). */
const BP_EVERY_MS = 5 * 60_000;

export interface Wearable {
  /** The next sample's JSON, stamped `ts` (device wall time, ms) and `seq`. */
  vitals(ts: number, seq: number): string;
}

export function wearable(seed: number): Wearable {
  const r = rng(seed);
  const around = (centre: number, spread: number) => centre + (r() * 2 - 1) * spread;
  const base = { hr: around(72, 8), spo2: around(97.5, 1), rr: around(16, 2), temp: around(36.6, 0.2) };
  let battery = 60 + Math.floor(r() * 40);
  let steps = Math.floor(r() * 2000);
  let nextBpAt = 0;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  return {
    vitals(ts, seq) {
      if (r() < 0.001) battery = Math.max(20, battery - 1);
      if (r() < 0.05) steps += 1 + Math.floor(r() * 10);
      const sample: Record<string, number | boolean> = {
        ts,
        seq,
        hr: Math.round(clamp(around(base.hr, 2), 55, 88)),
        spo2: Math.round(clamp(around(base.spo2, 1), 96, 100)),
        rr: Math.round(clamp(around(base.rr, 1), 13, 19)),
        temp: Math.round(clamp(around(base.temp, 0.1), 36.2, 37.4) * 10) / 10,
        battery,
        worn: true,
        steps,
      };
      if (ts >= nextBpAt) {
        nextBpAt = ts + BP_EVERY_MS;
        sample.sbp = Math.round(around(125, 8));
        sample.dbp = Math.round(around(78, 5));
      }
      return JSON.stringify(sample);
    },
  };
}

/** An SOS press (contract §1.2). */
export const sosEvent = (ts: number, seq: number) => JSON.stringify({ ts, seq, type: 'sos' });
