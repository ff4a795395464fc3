import { describe, expect, it } from 'vitest';
import { BURSTS, burstLength, burstSchedule, HARMONIC_AMPLITUDES } from './burst.ts';

const gaps = (p: { start: number; duration: number }[]) =>
  p.slice(1).map((x, i) => Math.round((x.start - (p[i]!.start + p[i]!.duration)) * 1000));

describe('IEC 60601-1-8 bursts', () => {
  it('high: 10 pulses as 3+2, a pause, 3+2', () => {
    const p = burstSchedule('high');
    expect(p).toHaveLength(10);
    const { pulseS, spacingS, pauseS } = BURSTS.high;
    const ts = spacingS * 1000;
    const td = pulseS * 1000;
    // x-x-x---x-x (pause) x-x-x---x-x: the long gaps after pulses 3 and 8, the pause after pulse 5.
    expect(gaps(p)).toEqual([ts, ts, 2 * ts + td, ts, pauseS * 1000, ts, ts, 2 * ts + td, ts]);
  });

  it('high timing inside table 4', () => {
    const { pulseS, spacingS, pauseS, fundamentalHz } = BURSTS.high;
    expect(pulseS).toBeGreaterThanOrEqual(0.075);
    expect(pulseS).toBeLessThanOrEqual(0.2);
    expect(spacingS).toBeGreaterThanOrEqual(0.05);
    expect(spacingS).toBeLessThanOrEqual(0.125);
    expect(pauseS).toBeGreaterThanOrEqual(0.35);
    expect(pauseS).toBeLessThanOrEqual(1.3);
    expect(fundamentalHz).toBeGreaterThanOrEqual(150);
    expect(fundamentalHz).toBeLessThanOrEqual(1000);
  });

  it('medium: 3 pulses, t_d and t_s 125–250 ms', () => {
    const p = burstSchedule('medium');
    expect(p).toHaveLength(3);
    expect(gaps(p)).toEqual([200, 200]);
    for (const x of p) {
      expect(x.duration).toBeGreaterThanOrEqual(0.125);
      expect(x.duration).toBeLessThanOrEqual(0.25);
    }
    expect(burstLength(p)).toBe(1);
  });

  it('harmonics: at least 4 in 300–4000 Hz, within 15 dB of the fundamental', () => {
    for (const { fundamentalHz } of Object.values(BURSTS)) {
      const inBand = HARMONIC_AMPLITUDES.map((a, i) => ({ hz: fundamentalHz * (i + 1), a })).filter(
        (h) => h.hz >= 300 && h.hz <= 4000 && 20 * Math.log10(h.a) >= -15,
      );
      expect(inBand.length).toBeGreaterThanOrEqual(4);
    }
  });
});
