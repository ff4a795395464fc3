/**
 * Ground truth for the noise benchmark: clinical facts copied from /work/shared/spec/clinical.md, not
 * the rules' settings (the benchmark judges the rules, so it must not borrow their limits). Used to
 * find the moment an episode's data first became critical, from which the 10 s alarm delay counts.
 */

/**
 * clinical.md "Alarm timing that must hold", Critical limits (defaults): HR ≤ 40 or ≥ 140 /min,
 * SpO2 ≤ 85 % (scale 1), RR ≤ 8 or ≥ 30 /min, SBP ≤ 80 or ≥ 220 mmHg, temperature ≤ 35.0 or ≥ 40.0 °C,
 * or an aggregate NEWS2 of 7 or more.
 */
export const CRITICAL = {
  hrLow: 40,
  hrHigh: 140,
  spo2Low: 85,
  rrLow: 8,
  rrHigh: 30,
  sbpLow: 80,
  sbpHigh: 220,
  tempLow: 35.0,
  tempHigh: 40.0,
  news2: 7,
} as const;

/** Which critical condition a critical episode produces, and so which reading starts its clock. */
export type CriticalTest = 'hr_high' | 'hr_low' | 'spo2_low' | 'rr_high' | 'sbp_low' | 'news2';

/** The values of one sample the ground truth looks at. */
export interface TruthSample {
  hr?: number | undefined;
  spo2?: number | undefined;
  rr?: number | undefined;
  sbp?: number | undefined;
  temp?: number | undefined;
  worn?: boolean | undefined;
}

const band = (v: number, bands: readonly (readonly [number, number])[], top: number) => {
  for (const [upTo, score] of bands) if (v <= upTo) return score;
  return top;
};

/**
 * NEWS2 chart 1 (RCP 2017, scale 1, on air) over the parameters one wristband sample carries: pulse,
 * SpO2, respiration, temperature. Blood pressure (a cuff, hours apart) and consciousness (a carer)
 * can only add to it, so the first sample scoring ≥ 7 here is at or after the true onset: the delay
 * measured from it is never longer than the true one.
 */
export function streamedNews2(s: TruthSample): number | undefined {
  if (s.hr === undefined || s.spo2 === undefined || s.rr === undefined || s.temp === undefined) return undefined;
  const rr = band(
    Math.round(s.rr),
    [
      [8, 3],
      [11, 1],
      [20, 0],
      [24, 2],
    ],
    3,
  );
  const spo2 = band(
    Math.round(s.spo2),
    [
      [91, 3],
      [93, 2],
      [95, 1],
    ],
    0,
  );
  const hr = band(
    Math.round(s.hr),
    [
      [40, 3],
      [50, 1],
      [90, 0],
      [110, 1],
      [130, 2],
    ],
    3,
  );
  const temp = band(
    Math.round(s.temp * 10) / 10,
    [
      [35.0, 3],
      [36.0, 1],
      [38.0, 0],
      [39.0, 1],
    ],
    2,
  );
  return rr + spo2 + hr + temp;
}

/** Does this reading lie in the critical range the episode produces? Off-wrist junk never does. */
export function isCritical(test: CriticalTest, s: TruthSample): boolean {
  if (s.worn === false) return false;
  switch (test) {
    case 'hr_high':
      return s.hr !== undefined && s.hr >= CRITICAL.hrHigh;
    case 'hr_low':
      return s.hr !== undefined && s.hr <= CRITICAL.hrLow;
    case 'spo2_low':
      return s.spo2 !== undefined && s.spo2 <= CRITICAL.spo2Low;
    case 'rr_high':
      return s.rr !== undefined && s.rr >= CRITICAL.rrHigh;
    case 'sbp_low':
      return s.sbp !== undefined && s.sbp <= CRITICAL.sbpLow;
    case 'news2':
      return (streamedNews2(s) ?? 0) >= CRITICAL.news2;
  }
}
