/**
 * clinical.md "Wear state is evidence, not a veto": a wearable that says `worn: false` but reads a
 * pulse with beat-to-beat variability, SpO2 and pulse inside what a living person shows, changing
 * as a body's do, is on someone. Junk from an optical sensor on a table or a charger (zeros, values
 * out of range, wild jumps, a frozen number) is not. Pure; the caller keeps the evidence.
 */

export interface UnwornReading {
  ts: number;
  hr?: number | undefined;
  spo2?: number | undefined;
  rr?: number | undefined;
  temp?: number | undefined;
}

/** The current run of plausible `worn: false` readings. */
export interface WearEvidence {
  since: number;
  n: number;
  last: UnwornReading;
  /** Some value changed within the run (a frozen number is a sensor, not a pulse). */
  varied: boolean;
}

/** What a living person's wrist reads; skin temperature off the body is the room's. */
const LIVING = { hr: [30, 220], spo2: [60, 100], rr: [4, 60], temp: [30, 43] } as const;

/**
 * Plausible readings in a row before a `worn: false` wearable is believed to be on someone: junk
 * from a sensor on a table lands in living ranges by chance now and then, five times in a row
 * with a body's small steps between them practically never. With the 20 s window of
 * `device.wear_conflict`, a wearable reporting every 10 s is flagged within the minute clinical.md asks.
 */
export const PLAUSIBLE_READINGS = 5;

/**
 * How far a body's pulse and SpO2 move between readings seconds apart: half of what the artefact
 * filter allows, since a plausibility claim needs more than "not an artefact".
 */
const BODY_STEP_SHARE = 0.5;

export interface WearJudgement {
  evidence: WearEvidence | undefined;
  /** The wearable is on a person whatever its wear sensor says. */
  plausible: boolean;
}

/**
 * Judges one `worn: false` reading. `maxJump` is the artefact filter's (a body's values move by less
 * between close readings); readings more than `linkMs` apart start a new run.
 */
export function judgeUnworn(
  prev: WearEvidence | undefined,
  r: UnwornReading,
  maxJump: { hr: number; spo2: number },
  linkMs: number,
): WearJudgement {
  const inRange =
    (r.hr !== undefined || r.spo2 !== undefined) &&
    (Object.keys(LIVING) as (keyof typeof LIVING)[]).every((k) => {
      const v = r[k];
      return v === undefined || (v >= LIVING[k][0] && v <= LIVING[k][1]);
    });
  if (!inRange) return { evidence: undefined, plausible: false };
  const continues =
    prev !== undefined &&
    r.ts > prev.last.ts &&
    r.ts - prev.last.ts <= linkMs &&
    close(prev.last.hr, r.hr, maxJump.hr * BODY_STEP_SHARE) &&
    close(prev.last.spo2, r.spo2, maxJump.spo2 * BODY_STEP_SHARE);
  const evidence: WearEvidence = continues
    ? {
        since: prev.since,
        n: prev.n + 1,
        last: r,
        varied: prev.varied || r.hr !== prev.last.hr || r.spo2 !== prev.last.spo2,
      }
    : { since: r.ts, n: 1, last: r, varied: false };
  return { evidence, plausible: evidence.n >= PLAUSIBLE_READINGS && evidence.varied };
}

const close = (a: number | undefined, b: number | undefined, max: number) =>
  a === undefined || b === undefined || Math.abs(a - b) <= max;
