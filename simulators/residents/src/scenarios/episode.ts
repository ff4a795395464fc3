import type { Rng } from '../rng.ts';
import type { ScenarioContext } from './types.ts';
import { HOUR_MS, MINUTE_MS } from '../types.ts';

export type Phase = 'before' | 'ramp' | 'hold' | 'recover';

type Range = readonly [number, number];

/** When an episode starts, how it develops, and how long until the next one. */
export interface EpisodeTiming {
  /** First onset, after the run starts: soon, so a short demo or test sees it. */
  onsetMs: Range;
  rampMs: Range;
  holdMs: Range;
  recoverMs: Range;
  /** Quiet time between the end of one episode and the next onset. */
  gapMs: Range;
}

export const DEFAULT_TIMING: EpisodeTiming = {
  onsetMs: [5 * MINUTE_MS, 15 * MINUTE_MS],
  rampMs: [5 * MINUTE_MS, 10 * MINUTE_MS],
  holdMs: [30 * MINUTE_MS, 45 * MINUTE_MS],
  recoverMs: [10 * MINUTE_MS, 20 * MINUTE_MS],
  gapMs: [3 * HOUR_MS, 6 * HOUR_MS],
};

/** Discrete episodes (an SOS press, a leak): no ramp, a hold for the duration. */
export const instantTiming = (holdMs: Range, gapMs: Range = [2 * HOUR_MS, 4 * HOUR_MS]): EpisodeTiming => ({
  onsetMs: DEFAULT_TIMING.onsetMs,
  rampMs: [0, 0],
  holdMs,
  recoverMs: [0, 0],
  gapMs,
});

export interface EpisodeState {
  phase: Phase;
  /** 0 before, rising smoothly to 1 over the ramp, 1 in hold, back to 0 over recovery. */
  level: number;
  /** The phase just entered in this update, if any. */
  entered: Phase | undefined;
  /** Ordinal of the current (or next) episode, from 0. */
  index: number;
}

/** The first episode's ramp when a demo asked for an early first onset. */
const DEMO_RAMP_MS: Range = [30_000, 90_000];

const smooth = (x: number) => x * x * (3 - 2 * x);

/** A recurring episode drawn from the scenario's Rng; call `update` once per slot, in time order. */
export class Episode {
  private onset: number;
  private rampEnd = 0;
  private holdEnd = 0;
  private end = 0;
  private index = 0;
  private lastPhase: Phase = 'before';

  private readonly rng: Rng;
  private readonly firstRampMs: Range;

  /**
   * The context's `firstOnsetMs`, when set, overrides the timing's first onset, and the first episode
   * then develops within a minute or so (a demo wants alerts in minutes; the clinical rules still
   * need their persistence windows).
   */
  constructor(
    ctx: Pick<ScenarioContext, 'rng' | 'startMs' | 'firstOnsetMs'>,
    private readonly timing: EpisodeTiming = DEFAULT_TIMING,
  ) {
    this.rng = ctx.rng;
    const [rampMin, rampMax] = timing.rampMs;
    // Same number of draws either way, so the rest of the seeded run is unchanged.
    this.firstRampMs = ctx.firstOnsetMs
      ? [Math.min(rampMin, DEMO_RAMP_MS[0]), Math.min(rampMax, DEMO_RAMP_MS[1])]
      : timing.rampMs;
    this.onset = ctx.startMs + this.draw(ctx.firstOnsetMs ?? timing.onsetMs);
    this.layout();
  }

  update(atMs: number): EpisodeState {
    while (atMs >= this.end) {
      this.onset = this.end + this.draw(this.timing.gapMs);
      this.index++;
      this.layout();
    }
    const phase: Phase =
      atMs < this.onset ? 'before' : atMs < this.rampEnd ? 'ramp' : atMs < this.holdEnd ? 'hold' : 'recover';
    let level = 0;
    if (phase === 'ramp') level = smooth((atMs - this.onset) / (this.rampEnd - this.onset));
    else if (phase === 'hold') level = 1;
    else if (phase === 'recover') level = 1 - smooth((atMs - this.holdEnd) / (this.end - this.holdEnd));
    const entered = phase !== this.lastPhase ? phase : undefined;
    this.lastPhase = phase;
    return { phase, level, entered, index: this.index };
  }

  private layout(): void {
    this.rampEnd = this.onset + this.draw(this.index === 0 ? this.firstRampMs : this.timing.rampMs);
    this.holdEnd = this.rampEnd + this.draw(this.timing.holdMs);
    // At least 1 ms so a zero-length episode still ends and the next one is scheduled.
    this.end = Math.max(this.holdEnd + this.draw(this.timing.recoverMs), this.onset + 1);
  }

  private draw([min, max]: Range): number {
    return min === max ? min : this.rng.float(min, max);
  }
}
