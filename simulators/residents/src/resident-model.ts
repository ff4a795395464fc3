import { type Consciousness, VITAL_KEYS, type VitalKey } from '@vigil/contracts';
import { circadianShift, DEFAULT_UTC_OFFSET_MINUTES, isAsleep, localDay, localHour } from './circadian.ts';
import type { Rng } from './rng.ts';
import { MINUTE_MS } from './types.ts';

export type Vital = VitalKey;
export type VitalRecord = Record<Vital, number>;

/** What a wearable reports in one sample, before the device adds `seq` (contract §1.1). */
export interface ResidentReading extends Partial<Record<VitalKey, number>> {
  ts: number;
  consciousness?: Consciousness;
  battery: number;
  worn: boolean;
  steps?: number;
}

export interface ResidentModelOptions {
  /** Facility time zone, for the circadian rhythm and the daily step count. */
  utcOffsetMinutes?: number;
  /** Blood pressure comes from a cuff, not continuously (clinical.md: "others rarely"). */
  bpIntervalMs?: number;
  /** Consciousness is a carer's observation, reported now and then. */
  consciousnessIntervalMs?: number;
  /** Chance per sample of a one-sample motion artefact (clinical.md: artefacts are not alarms). */
  artefactProbability?: number;
}

/** Slow drift: Ornstein–Uhlenbeck walk, stationary sd and correlation time per vital. */
const WALK: Record<Vital, { sd: number; tauMin: number }> = {
  hr: { sd: 3, tauMin: 30 },
  spo2: { sd: 0.6, tauMin: 20 },
  rr: { sd: 0.8, tauMin: 30 },
  sbp: { sd: 5, tauMin: 60 },
  dbp: { sd: 3, tauMin: 60 },
  temp: { sd: 0.1, tauMin: 60 },
};

/** Sensor noise on each reading. */
const NOISE: Record<Vital, number> = { hr: 1.5, spo2: 0.5, rr: 0.7, sbp: 3, dbp: 2, temp: 0.04 };

/** Plausible device output limits, all inside the contract's physical bounds (contract §1.4). */
const LIMITS: Record<Vital, [number, number]> = {
  hr: [30, 220],
  spo2: [70, 100],
  rr: [4, 60],
  sbp: [70, 250],
  dbp: [40, 150],
  temp: [34, 42.5],
};

const zero = (): VitalRecord => ({ hr: 0, spo2: 0, rr: 0, sbp: 0, dbp: 0, temp: 0 });
const clamp = (v: number, [lo, hi]: [number, number]) => Math.min(hi, Math.max(lo, v));

/**
 * One resident's physiology: baselines drawn from the seed, circadian drift, slow random walk,
 * measurement noise, steps in waking hours, a slowly draining battery. Deterministic given its Rng;
 * scenarios steer it through `offsets`, `consciousness`, `worn` and `battery`.
 */
export class ResidentModel {
  readonly baseline: VitalRecord;
  /** Scenario-driven shifts on top of baseline + circadian + walk (e.g. +70 bpm for tachycardia). */
  readonly offsets: VitalRecord = zero();
  consciousness: Consciousness = 'A';
  worn = true;
  battery: number;
  /** %/hour; a scenario may raise it (device_dying). */
  drainPerHour: number;
  /** A carer docks a low wearable overnight; device_dying turns this off. */
  dockOvernight = true;
  /** Lying still (unwell, or on the floor after a fall): no steps while set. */
  immobile = false;
  private readonly walk: VitalRecord = zero();
  private readonly utcOffsetMinutes: number;
  private readonly bpIntervalMs: number;
  private readonly consciousnessIntervalMs: number;
  private readonly artefactProbability: number;
  /** Fractional, so slow walking at a high sample rate still adds up; the device reports whole steps. */
  private steps = 0;
  private stepsDay: number | undefined;
  private lastAtMs: number | undefined;
  private nextBpAtMs = Number.NEGATIVE_INFINITY;
  private nextConsciousnessAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly rng: Rng,
    options: ResidentModelOptions = {},
  ) {
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES;
    this.bpIntervalMs = options.bpIntervalMs ?? 15 * MINUTE_MS;
    this.consciousnessIntervalMs = options.consciousnessIntervalMs ?? 60 * MINUTE_MS;
    this.artefactProbability = options.artefactProbability ?? 0.0005;
    const sbp = rng.float(110, 145);
    this.baseline = {
      hr: rng.float(60, 85),
      spo2: rng.float(94.5, 99),
      rr: rng.float(12, 18),
      sbp,
      // Diastolic tracks systolic loosely; keep a physiological pulse pressure of at least 30.
      dbp: Math.min(rng.float(65, 90), sbp - 30),
      temp: rng.float(36.3, 37.0),
    };
    for (const v of VITAL_KEYS) this.walk[v] = rng.gaussian(0, WALK[v].sd / 2);
    this.battery = rng.float(55, 100);
    this.drainPerHour = rng.float(0.8, 1.6);
  }

  /** Makes the next sample carry blood pressure and consciousness (a carer's spot check). */
  requestSpotCheck(): void {
    this.nextBpAtMs = Number.NEGATIVE_INFINITY;
    this.nextConsciousnessAtMs = Number.NEGATIVE_INFINITY;
  }

  /** Advances the state to `atMs` and returns what the wearable measures then. */
  next(atMs: number): ResidentReading {
    const dtMin = this.lastAtMs === undefined ? 0 : Math.max(0, (atMs - this.lastAtMs) / MINUTE_MS);
    this.lastAtMs = atMs;
    const hour = localHour(atMs, this.utcOffsetMinutes);
    this.advanceWalk(dtMin);
    this.advanceBattery(dtMin, hour);
    const battery = Math.round(clamp(this.battery, [0, 100]));
    // Off the wrist there is nothing to measure (contract §1.1: `worn:false`, no vitals).
    if (!this.worn) return { ts: atMs, battery, worn: false };

    const stepsPerMin = this.advanceSteps(atMs, dtMin, hour);
    const shift = circadianShift(hour);
    const value = (v: Vital) =>
      this.baseline[v] + shift[v] + this.walk[v] + this.offsets[v] + this.rng.gaussian(0, NOISE[v]);
    // Walking raises heart and breathing rate a little.
    const hr = value('hr') + Math.min(12, stepsPerMin * 0.5);
    const rr = value('rr') + Math.min(3, stepsPerMin * 0.1);
    const reading: ResidentReading = {
      ts: atMs,
      hr: Math.round(clamp(hr, LIMITS.hr)),
      spo2: Math.round(clamp(value('spo2'), LIMITS.spo2)),
      rr: Math.round(clamp(rr, LIMITS.rr)),
      temp: Math.round(clamp(value('temp'), LIMITS.temp) * 10) / 10,
      battery,
      worn: true,
      steps: Math.floor(this.steps),
    };
    if (atMs >= this.nextBpAtMs) {
      this.nextBpAtMs = atMs + this.bpIntervalMs + this.rng.float(-30_000, 30_000);
      const sbp = Math.round(clamp(value('sbp'), LIMITS.sbp));
      reading.sbp = sbp;
      reading.dbp = Math.round(clamp(Math.min(value('dbp'), sbp - 20), LIMITS.dbp));
    }
    if (atMs >= this.nextConsciousnessAtMs) {
      this.nextConsciousnessAtMs = atMs + this.consciousnessIntervalMs + this.rng.float(-60_000, 60_000);
      reading.consciousness = this.consciousness;
    }
    if (this.rng.chance(this.artefactProbability)) this.addArtefact(reading);
    return reading;
  }

  private advanceWalk(dtMin: number): void {
    if (dtMin === 0) return;
    for (const v of VITAL_KEYS) {
      // Exact OU step: mean-reverting toward 0 so the walk never drifts out of physiology.
      const decay = Math.exp(-dtMin / WALK[v].tauMin);
      this.walk[v] = this.walk[v] * decay + WALK[v].sd * Math.sqrt(1 - decay * decay) * this.rng.gaussian();
    }
  }

  private advanceBattery(dtMin: number, hour: number): void {
    // Without overnight docking a long demo would see every wearable die after a few days.
    if (this.dockOvernight && isAsleep(hour) && this.battery < 30)
      this.battery = Math.min(100, this.battery + 0.5 * dtMin);
    else this.battery = Math.max(0, this.battery - (this.drainPerHour * dtMin) / 60);
  }

  /** Returns the walking cadence used this interval (steps/min). */
  private advanceSteps(atMs: number, dtMin: number, hour: number): number {
    const day = localDay(atMs, this.utcOffsetMinutes);
    if (day !== this.stepsDay) {
      this.stepsDay = day;
      this.steps = 0;
    }
    if (isAsleep(hour) || dtMin === 0) return 0;
    // Older adults: ~2,000–5,000 steps a day, in bursts. The draw happens even when immobile so a
    // scenario does not shift the random stream.
    const cadence = Math.max(0, this.rng.gaussian(4, 6));
    if (this.immobile) return 0;
    this.steps += cadence * dtMin;
    return cadence;
  }

  /** A one-sample motion artefact: a spurious jump the rules must filter, not alarm on. */
  private addArtefact(reading: ResidentReading): void {
    if (this.rng.chance(0.5) && reading.hr !== undefined) {
      reading.hr = Math.round(clamp(reading.hr + this.rng.float(40, 80), LIMITS.hr));
    } else if (reading.spo2 !== undefined) {
      reading.spo2 = Math.round(clamp(reading.spo2 - this.rng.float(8, 15), LIMITS.spo2));
    }
  }
}
