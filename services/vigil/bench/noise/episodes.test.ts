import { readFileSync } from 'node:fs';
import { Rng } from '@vigil/simulator';
import { describe, expect, it } from 'vitest';
import { CRITICAL, isCritical, streamedNews2 } from './clinical-truth.ts';
import { type Episode, GRACE_MS, planDay, shape } from './episodes.ts';
import { PLAN, type Range, TEMPLATES, type Template } from './templates.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const dayStartMs = Date.parse('2026-03-02T16:00:00Z');
const plan = () => planDay(new Rng('test-seed'), { residents: 24, sparse: 3, dayStartMs });
const inside = (v: number, [lo, hi]: Range) => v >= lo && v <= hi;

describe('planDay', () => {
  it('draws every episode from its template’s stated distributions', () => {
    const { episodes, unplaced, cuffAtMs } = plan();
    expect(unplaced).toEqual([]);
    expect(episodes).toHaveLength(Object.values(PLAN).reduce((a, b) => a + b, 0));
    for (const e of episodes) {
      const t: Template = TEMPLATES[e.template];
      expect(inside(e.rampMs / 1000, t.rampS)).toBe(true);
      expect(inside(e.holdMs / MIN, t.holdMin)).toBe(true);
      expect(inside((e.startMs - dayStartMs) / HOUR, t.hours)).toBe(true);
      expect(Object.keys(e.depth).sort()).toEqual(Object.keys(t.depth ?? {}).sort());
      for (const [v, x] of Object.entries(e.depth)) expect(inside(x, t.depth?.[v as 'hr'] as Range)).toBe(true);
      for (const [v, x] of Object.entries(e.shift)) expect(inside(x, t.shift?.[v as 'hr'] as Range)).toBe(true);
      if (t.interrupt) expect(inside(1 / (e.interrupt?.chance ?? 0), t.interrupt.oneIn)).toBe(true);
      const holdStart = e.startMs + e.rampMs;
      const spot = (cuffAtMs[e.resident] ?? []).filter((c) => c >= holdStart && c < holdStart + e.holdMs);
      expect(spot.length).toBeGreaterThanOrEqual(t.spotChecksMin?.length ?? 0);
    }
  });

  it('puts sparse-class episodes on the sparse residents only, and never overlaps a resident’s episodes or off-wrist time', () => {
    const { episodes, sparse, offWrist } = plan();
    expect(sparse).toHaveLength(3);
    for (const e of episodes) {
      expect(sparse.includes(e.resident)).toBe(e.cls === 'sparse');
      for (const p of offWrist[e.resident] ?? []) expect(e.endMs <= p.from || e.startMs >= p.to).toBe(true);
      for (const f of episodes)
        if (f !== e && f.resident === e.resident)
          expect(f.startMs >= e.endMs + GRACE_MS || f.endMs + GRACE_MS <= e.startMs).toBe(true);
    }
  });

  it('is seeded: the same seed gives the same day', () => {
    expect(JSON.stringify(plan())).toEqual(JSON.stringify(plan()));
  });

  it('keeps critical depths in clinical.md’s critical ranges and every other class out of them', () => {
    for (const t of Object.values(TEMPLATES) as Template[]) {
      const d = t.depth ?? {};
      const worst = { hr: d.hr, spo2: d.spo2, rr: d.rr, sbp: d.sbp };
      if (t.critical === 'spo2_low') expect(worst.spo2?.[1]).toBeLessThanOrEqual(CRITICAL.spo2Low);
      if (t.critical === 'hr_high') expect(worst.hr?.[0]).toBeGreaterThanOrEqual(CRITICAL.hrHigh);
      if (t.critical === 'hr_low') expect(worst.hr?.[1]).toBeLessThanOrEqual(CRITICAL.hrLow);
      if (t.critical === 'rr_high') expect(worst.rr?.[0]).toBeGreaterThanOrEqual(CRITICAL.rrHigh);
      if (t.critical === 'sbp_low') expect(worst.sbp?.[1]).toBeLessThanOrEqual(CRITICAL.sbpLow);
      if (t.cls === 'critical') continue;
      if (worst.spo2) expect(worst.spo2[0]).toBeGreaterThan(CRITICAL.spo2Low);
      if (worst.hr) expect(worst.hr[1]).toBeLessThan(CRITICAL.hrHigh);
      if (worst.hr) expect(worst.hr[0]).toBeGreaterThan(CRITICAL.hrLow);
      if (worst.rr) expect(worst.rr[1]).toBeLessThan(CRITICAL.rrHigh);
    }
  });

  it('never reads the rules’ settings: the generator imports nothing from the rules', () => {
    const files = [
      'templates.ts',
      'templates-routine.ts',
      'templates-edge.ts',
      'templates-critical.ts',
      'episodes.ts',
      'clinical-truth.ts',
    ];
    for (const f of files) {
      const src = readFileSync(new URL(f, import.meta.url), 'utf8');
      expect(src, f).not.toMatch(/@vigil\/rules|packages\/rules|DEFAULT_RULE_SETTINGS|rule-settings|rule-defaults/);
      expect(src, f).not.toMatch(/from '@vigil\/(engine|stores)'/);
    }
  });
});

describe('shape', () => {
  const e = (over: Partial<Episode>): Episode => ({ ...(plan().episodes[0] as Episode), ...over });

  it('takes a reading to the drawn depth at the hold, leaves it alone outside, and blends on the ramp', () => {
    const rng = new Rng('shape');
    const ep = e({ depth: { spo2: 80 }, shift: {} });
    const held = Array.from({ length: 500 }, () => {
      const r = { spo2: 97, hr: 70 };
      shape(r, ep, 1, rng);
      expect(r.hr).toBe(70);
      return r.spo2;
    });
    expect(Math.min(...held)).toBeGreaterThanOrEqual(77);
    expect(Math.max(...held)).toBeLessThanOrEqual(83);
    const half = { spo2: 97 };
    shape(half, ep, 0.5, rng);
    expect(half.spo2).toBeGreaterThan(86);
    expect(half.spo2).toBeLessThan(92);
    const outside = { spo2: 97 };
    shape(outside, ep, 0, rng);
    expect(outside.spo2).toBe(97);
  });

  it('puts about one reading in 5–6 back in range in an interrupted hold, never on the ramp', () => {
    const rng = new Rng('interrupt');
    const ep = e({ depth: { spo2: 89 }, interrupt: { vital: 'spo2', inRange: [94, 95], chance: 1 / 5.5 } });
    const read = (level: number) => {
      const r = { spo2: 97 };
      shape(r, ep, level, rng);
      return r.spo2 >= 94;
    };
    const back = Array.from({ length: 2000 }, () => read(1)).filter(Boolean).length / 2000;
    expect(back).toBeGreaterThan(1 / 7);
    expect(back).toBeLessThan(1 / 4.5);
    expect(Array.from({ length: 200 }, () => read(0.9)).some(Boolean)).toBe(false);
  });
});

describe('clinical truth', () => {
  it('scores NEWS2 chart 1 over the streamed parameters', () => {
    expect(streamedNews2({ hr: 75, spo2: 97, rr: 16, temp: 36.8 })).toBe(0);
    // pulse 111–130: 2, RR ≥ 25: 3, SpO2 ≤ 91: 3, 38.1–39.0: 1
    expect(streamedNews2({ hr: 120, spo2: 90, rr: 27, temp: 38.5 })).toBe(9);
    expect(streamedNews2({ hr: 120, spo2: 90 })).toBeUndefined();
  });

  it('applies clinical.md’s critical limits, inclusive, and ignores off-wrist junk', () => {
    expect(isCritical('hr_high', { hr: 140 })).toBe(true);
    expect(isCritical('hr_high', { hr: 139 })).toBe(false);
    expect(isCritical('hr_low', { hr: 40 })).toBe(true);
    expect(isCritical('spo2_low', { spo2: 85 })).toBe(true);
    expect(isCritical('spo2_low', { spo2: 80, worn: false })).toBe(false);
    expect(isCritical('sbp_low', { sbp: 80 })).toBe(true);
    expect(isCritical('rr_high', { rr: 29 })).toBe(false);
    expect(isCritical('news2', { hr: 120, spo2: 92, rr: 25, temp: 37 })).toBe(true);
  });
});
