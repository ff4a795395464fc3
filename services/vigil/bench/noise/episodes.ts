import type { AlertKind } from '@vigil/contracts';
import type { ResidentModel, Rng } from '@vigil/simulator';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A true clinical episode injected into one resident's physiology, with the alerts that catch it. */
export interface Episode {
  resident: number;
  type: EpisodeType;
  /** Start of the change (ramp start) and end of recovery, device time. */
  startMs: number;
  endMs: number;
  /** Any of these alert kinds raised in [start, end + grace] counts as caught. */
  caughtBy: readonly AlertKind[];
  steer(model: ResidentModel, level: number): void;
  rampMs: number;
  holdMs: number;
}

export type EpisodeType = 'tachycardia' | 'bradycardia' | 'desaturation' | 'fever' | 'nocturnal_hr_rise' | 'inactivity';

interface Template {
  caughtBy: readonly AlertKind[];
  rampMs: [number, number];
  holdMs: [number, number];
  /** Local hours the episode may start in (facility time). */
  hours: [number, number];
  steer(model: ResidentModel, level: number, magnitude: number): void;
  magnitude(rng: Rng, model: ResidentModel): number;
}

/**
 * The episodes a nurse must hear about. Magnitudes are drawn so each crosses its alert limit with
 * margin but without absurdity (a tachycardia to 130–150, a desaturation to 86–89 %).
 */
const TEMPLATES: Record<EpisodeType, Template> = {
  tachycardia: {
    caughtBy: ['vital.hr_high', 'news2'],
    rampMs: [3 * MIN, 8 * MIN],
    holdMs: [15 * MIN, 40 * MIN],
    hours: [8, 20],
    magnitude: (rng, m) => rng.float(132, 150) - m.baseline.hr,
    steer: (m, level, mag) => {
      m.offsets.hr = level * mag;
      m.offsets.rr = level * 3;
    },
  },
  bradycardia: {
    caughtBy: ['vital.hr_low', 'news2'],
    rampMs: [2 * MIN, 5 * MIN],
    holdMs: [10 * MIN, 30 * MIN],
    hours: [0, 24],
    magnitude: (rng, m) => rng.float(36, 43) - m.baseline.hr,
    steer: (m, level, mag) => {
      m.offsets.hr = level * mag;
    },
  },
  desaturation: {
    caughtBy: ['vital.spo2_low', 'news2'],
    rampMs: [3 * MIN, 10 * MIN],
    holdMs: [15 * MIN, 30 * MIN],
    hours: [0, 24],
    magnitude: (rng, m) => rng.float(86, 89) - m.baseline.spo2,
    steer: (m, level, mag) => {
      m.offsets.spo2 = level * mag;
      m.offsets.rr = level * 5;
      m.offsets.hr = level * 10;
    },
  },
  fever: {
    caughtBy: ['vital.temp_high', 'news2'],
    rampMs: [30 * MIN, 60 * MIN],
    holdMs: [2 * HOUR, 3 * HOUR],
    hours: [6, 18],
    magnitude: (rng, m) => rng.float(38.6, 39.5) - m.baseline.temp,
    steer: (m, level, mag) => {
      m.offsets.temp = level * mag;
      m.offsets.hr = level * 12;
      m.offsets.rr = level * 3;
    },
  },
  // Resting pulse +28 at night: under every fixed limit, only the personal baseline sees it.
  nocturnal_hr_rise: {
    caughtBy: ['vital.hr_baseline'],
    rampMs: [10 * MIN, 20 * MIN],
    holdMs: [60 * MIN, 90 * MIN],
    hours: [2, 4],
    magnitude: (rng) => rng.float(26, 32),
    steer: (m, level, mag) => {
      m.offsets.hr = level * mag;
    },
  },
  // Lying still for hours in the daytime (an undetected fall, or too unwell to get up).
  inactivity: {
    caughtBy: ['resident.inactivity'],
    rampMs: [0, 0],
    holdMs: [3.5 * HOUR, 4.5 * HOUR],
    hours: [9, 14],
    magnitude: () => 1,
    steer: (m, level) => {
      m.immobile = level > 0;
    },
  },
};

const PLAN: readonly EpisodeType[] = [
  'tachycardia',
  'tachycardia',
  'tachycardia',
  'bradycardia',
  'bradycardia',
  'desaturation',
  'desaturation',
  'desaturation',
  'fever',
  'fever',
  'nocturnal_hr_rise',
  'nocturnal_hr_rise',
  'inactivity',
  'inactivity',
];

/**
 * One episode each for the first residents of a shuffled list (seeded), at a random local time in
 * its template's hours on the simulated day; the other residents have none.
 */
export function planEpisodes(rng: Rng, models: ResidentModel[], dayStartMs: number): Episode[] {
  const order = models.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return PLAN.map((type, k) => {
    const resident = order[k % order.length] as number;
    const t = TEMPLATES[type];
    const model = models[resident] as ResidentModel;
    const startMs = dayStartMs + rng.float(t.hours[0], t.hours[1] - 1) * HOUR;
    const rampMs = rng.float(...t.rampMs);
    const holdMs = rng.float(...t.holdMs);
    const magnitude = t.magnitude(rng, model);
    return {
      resident,
      type,
      startMs,
      rampMs,
      holdMs,
      endMs: startMs + 2 * rampMs + holdMs,
      caughtBy: t.caughtBy,
      steer: (m, level) => t.steer(m, level, magnitude),
    };
  });
}

const smooth = (x: number) => x * x * (3 - 2 * x);

/** 0 → 1 over the ramp, 1 in the hold, back to 0 over a recovery as long as the ramp. */
export function episodeLevel(e: Episode, atMs: number): number {
  if (atMs < e.startMs || atMs >= e.endMs) return 0;
  const into = atMs - e.startMs;
  if (into < e.rampMs) return smooth(into / e.rampMs);
  if (into < e.rampMs + e.holdMs) return 1;
  return e.rampMs === 0 ? 0 : 1 - smooth((into - e.rampMs - e.holdMs) / e.rampMs);
}
