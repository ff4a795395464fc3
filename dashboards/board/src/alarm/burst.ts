/**
 * The alarm bursts of IEC 60601-1-8 (table 4), as a schedule of pulses the Web Audio part only plays.
 *
 * - High priority: 10 pulses, x-x-x---x-x, a pause, x-x-x---x-x. Pulse duration t_d 75–200 ms,
 *   pulse spacing t_s 50–125 ms, the gap between pulses 3 and 4 is 2·t_s + t_d, the pause between
 *   pulses 5 and 6 0.35–1.3 s; burst interval 2.5–15 s.
 * - Medium priority: 3 pulses, t_d 125–250 ms, t_s 125–250 ms; burst interval 2.5–30 s.
 * - Each pulse: rise and fall 10–20 % of t_d; a fundamental 150–1000 Hz with at least 4 harmonics in
 *   300–4000 Hz within 15 dB of it (a tone people can localise, not a sine beep).
 */
export type BurstPriority = 'high' | 'medium';

export interface Pulse {
  /** Seconds from the start of the burst. */
  start: number;
  /** Seconds. */
  duration: number;
}

export interface BurstSpec {
  pulseS: number;
  spacingS: number;
  /** High priority only: the pause between the two 5-pulse halves. */
  pauseS: number;
  fundamentalHz: number;
}

// Mid-range values of table 4; the high fundamental is higher than the medium one so they differ by ear too.
export const BURSTS: Record<BurstPriority, BurstSpec> = {
  high: { pulseS: 0.15, spacingS: 0.1, pauseS: 0.7, fundamentalHz: 660 },
  medium: { pulseS: 0.2, spacingS: 0.2, pauseS: 0, fundamentalHz: 440 },
};

/** Rise and fall of each pulse: 15 % of t_d, inside the 10–20 % the standard asks. */
export const EDGE_FRACTION = 0.15;

/**
 * Relative amplitudes of the fundamental and its harmonics 2–5. The lowest, 0.3, is −10.5 dB from the
 * fundamental, inside the 15 dB the standard allows; harmonic 5 of 660 Hz is 3.3 kHz, below 4 kHz.
 */
export const HARMONIC_AMPLITUDES = [1, 0.6, 0.45, 0.35, 0.3] as const;

/** Pulse start offsets (in pulse slots) of one 5-pulse half: x-x-x---x-x. */
function halfBurst(spec: BurstSpec, from: number): Pulse[] {
  const step = spec.pulseS + spec.spacingS;
  // Between pulses 3 and 4 the gap is 2·t_s + t_d: one silent pulse slot more than the others.
  const offsets = [0, step, 2 * step, 4 * step, 5 * step];
  return offsets.map((o) => ({ start: round(from + o), duration: spec.pulseS }));
}

export function burstSchedule(priority: BurstPriority): Pulse[] {
  const spec = BURSTS[priority];
  if (priority === 'medium') {
    const step = spec.pulseS + spec.spacingS;
    return [0, 1, 2].map((i) => ({ start: round(i * step), duration: spec.pulseS }));
  }
  const first = halfBurst(spec, 0);
  const lastOfFirst = first[first.length - 1] as Pulse;
  return [...first, ...halfBurst(spec, lastOfFirst.start + spec.pulseS + spec.pauseS)];
}

/** Seconds from the first pulse's start to the last pulse's end. */
export function burstLength(pulses: readonly Pulse[]): number {
  const last = pulses[pulses.length - 1];
  return last ? round(last.start + last.duration) : 0;
}

// Sums of 0.1 and 0.15 drift in binary; schedules are compared and read in milliseconds.
const round = (s: number): number => Math.round(s * 1000) / 1000;
