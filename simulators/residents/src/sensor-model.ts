import { AIR_TEMP } from '@vigil/contracts';
import { circadianShift, DEFAULT_UTC_OFFSET_MINUTES, isAsleep, localHour } from './circadian.ts';
import type { Rng } from './rng.ts';
import { MINUTE_MS } from './types.ts';

/** A facility sensor reading (contract §1.3), before the device adds `seq`. */
export interface SensorReading {
  ts: number;
  waterLeak: boolean;
  smoke: boolean;
  mainsPower: boolean;
  airTemp: number;
  humidity: number;
  co: number;
  doorOpen: boolean;
}

/**
 * A room's environment sensor: air temperature with a daily swing, humidity and CO drifting slowly,
 * a door opened now and then in waking hours. Scenarios set `waterLeak`, `smoke`, `mainsPower` and
 * push `offsets`.
 */
export class SensorModel {
  waterLeak = false;
  smoke = false;
  mainsPower = true;
  readonly offsets = { airTemp: 0, humidity: 0, co: 0 };
  private readonly base: { airTemp: number; humidity: number; co: number };
  private humidityWalk = 0;
  private doorOpenUntilMs = Number.NEGATIVE_INFINITY;
  private lastAtMs: number | undefined;

  constructor(
    private readonly rng: Rng,
    private readonly utcOffsetMinutes = DEFAULT_UTC_OFFSET_MINUTES,
  ) {
    this.base = { airTemp: rng.float(22, 26), humidity: rng.float(40, 60), co: rng.float(0, 4) };
  }

  next(atMs: number): SensorReading {
    const dtMin = this.lastAtMs === undefined ? 0 : Math.max(0, (atMs - this.lastAtMs) / MINUTE_MS);
    this.lastAtMs = atMs;
    const hour = localHour(atMs, this.utcOffsetMinutes);
    const decay = Math.exp(-dtMin / 60);
    this.humidityWalk = this.humidityWalk * decay + 4 * Math.sqrt(1 - decay * decay) * this.rng.gaussian();
    // Doors: a visit every ~20 minutes in the day, open for 10–60 s.
    if (atMs >= this.doorOpenUntilMs && !isAsleep(hour) && this.rng.chance(Math.min(1, dtMin / 20))) {
      this.doorOpenUntilMs = atMs + this.rng.float(10_000, 60_000);
    }
    const round1 = (v: number) => Math.round(v * 10) / 10;
    return {
      ts: atMs,
      waterLeak: this.waterLeak,
      smoke: this.smoke,
      mainsPower: this.mainsPower,
      // The room follows the day a little (heating/cooling keeps it within ~±1 °C).
      airTemp: round1(
        Math.min(AIR_TEMP.bounds.max, this.base.airTemp + 4 * circadianShift(hour).temp + this.offsets.airTemp),
      ),
      humidity: Math.round(Math.min(100, Math.max(0, this.base.humidity + this.humidityWalk + this.offsets.humidity))),
      co: round1(Math.max(0, this.base.co + this.rng.gaussian(0, 0.3) + this.offsets.co)),
      doorOpen: atMs < this.doorOpenUntilMs,
    };
  }
}
