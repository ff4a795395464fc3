import { describe, expect, it } from 'vitest';
import { ResidentModel } from './resident-model.ts';
import { Rng } from './rng.ts';
import { HOUR_MS, MINUTE_MS } from './types.ts';

/** 2026-01-01 00:00 in UTC+8, the model's default facility time zone. */
const MIDNIGHT_LOCAL = Date.UTC(2025, 11, 31, 16, 0);

function day(seed: string) {
  const model = new ResidentModel(new Rng(seed), { artefactProbability: 0 });
  const readings = [];
  for (let t = MIDNIGHT_LOCAL; t < MIDNIGHT_LOCAL + 24 * HOUR_MS; t += 30_000) readings.push(model.next(t));
  return { model, readings };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('ResidentModel', () => {
  it('draws baselines in the documented ranges', () => {
    for (let i = 0; i < 200; i++) {
      const { baseline } = new ResidentModel(new Rng(i));
      expect(baseline.hr).toBeGreaterThanOrEqual(60);
      expect(baseline.hr).toBeLessThanOrEqual(85);
      expect(baseline.spo2).toBeGreaterThanOrEqual(94);
      expect(baseline.spo2).toBeLessThanOrEqual(99);
      expect(baseline.rr).toBeGreaterThanOrEqual(12);
      expect(baseline.rr).toBeLessThanOrEqual(18);
      expect(baseline.sbp).toBeGreaterThanOrEqual(110);
      expect(baseline.sbp).toBeLessThanOrEqual(145);
      expect(baseline.dbp).toBeGreaterThanOrEqual(65 - 30);
      expect(baseline.dbp).toBeLessThanOrEqual(90);
      expect(baseline.temp).toBeGreaterThanOrEqual(36.3);
      expect(baseline.temp).toBeLessThanOrEqual(37);
    }
  });

  it('is deterministic for a seed', () => {
    expect(day('same').readings).toEqual(day('same').readings);
  });

  it('lowers heart rate and temperature at night', () => {
    const { readings } = day('circadian');
    const at = (fromH: number, toH: number) =>
      readings.filter((r) => r.ts >= MIDNIGHT_LOCAL + fromH * HOUR_MS && r.ts < MIDNIGHT_LOCAL + toH * HOUR_MS);
    const night = at(1, 5);
    const afternoon = at(14, 18);
    expect(mean(night.map((r) => r.hr ?? 0))).toBeLessThan(mean(afternoon.map((r) => r.hr ?? 0)));
    expect(mean(night.map((r) => r.temp ?? 0))).toBeLessThan(mean(afternoon.map((r) => r.temp ?? 0)));
  });

  it('reports blood pressure about every 15 minutes and consciousness now and then', () => {
    const { readings } = day('cuff');
    const bp = readings.filter((r) => r.sbp !== undefined);
    expect(bp.length).toBeGreaterThanOrEqual(24 * 4 - 8);
    expect(bp.length).toBeLessThanOrEqual(24 * 4 + 8);
    for (const r of bp) expect(r.dbp).toBeLessThan(r.sbp ?? 0);
    const avpu = readings.filter((r) => r.consciousness !== undefined);
    expect(avpu.length).toBeGreaterThan(12);
    expect(avpu.every((r) => r.consciousness === 'A')).toBe(true);
  });

  it('counts steps only in waking hours and resets them at local midnight', () => {
    const model = new ResidentModel(new Rng('steps'), { artefactProbability: 0 });
    let steps = 0;
    for (let t = MIDNIGHT_LOCAL; t < MIDNIGHT_LOCAL + 6 * HOUR_MS; t += MINUTE_MS) steps = model.next(t).steps ?? -1;
    expect(steps).toBe(0);
    for (let t = MIDNIGHT_LOCAL + 6 * HOUR_MS; t < MIDNIGHT_LOCAL + 24 * HOUR_MS; t += MINUTE_MS) {
      steps = model.next(t).steps ?? -1;
    }
    expect(steps).toBeGreaterThan(1000);
    expect(steps).toBeLessThan(15_000);
    expect(model.next(MIDNIGHT_LOCAL + 24 * HOUR_MS + MINUTE_MS).steps).toBe(0);
  });

  it('adds up slow walking at a 1 Hz sample rate, and stops counting while immobile', () => {
    const model = new ResidentModel(new Rng('steps-1hz'), { artefactProbability: 0 });
    const start = MIDNIGHT_LOCAL + 9 * HOUR_MS;
    let steps = 0;
    for (let t = start; t < start + HOUR_MS; t += 1000) steps = model.next(t).steps ?? -1;
    // Whole steps per sample would round ~0.1 step to 0 and never count anything.
    expect(steps).toBeGreaterThan(100);
    model.immobile = true;
    for (let t = start + HOUR_MS; t < start + 2 * HOUR_MS; t += 1000) expect(model.next(t).steps).toBe(steps);
  });

  it('drains the battery slowly', () => {
    const model = new ResidentModel(new Rng('battery'));
    const first = model.next(MIDNIGHT_LOCAL + 8 * HOUR_MS).battery;
    const later = model.next(MIDNIGHT_LOCAL + 12 * HOUR_MS).battery;
    expect(first - later).toBeGreaterThanOrEqual(2);
    expect(first - later).toBeLessThanOrEqual(8);
  });

  it('reports no vitals when not worn', () => {
    const model = new ResidentModel(new Rng('off'));
    model.worn = false;
    const r = model.next(MIDNIGHT_LOCAL);
    expect(r).toEqual({ ts: MIDNIGHT_LOCAL, battery: r.battery, worn: false });
  });
});
