import { z } from 'zod';
import { IsoTime } from './ids.ts';
import { VITALS, type VitalKey } from './vitals.ts';

export const NEWS2_PARAMS = ['rr', 'spo2', 'air', 'sbp', 'hr', 'consciousness', 'temp'] as const;
export const News2Param = z.enum(NEWS2_PARAMS);
export type News2Param = z.infer<typeof News2Param>;
/** The parameters that are vital signs; the others are air or oxygen, and consciousness. */
export type News2Vital = Extract<News2Param, VitalKey>;

/** One row of the chart: "value ≤ upTo scores score", ascending; `above` scores what lies past the last band. */
export interface News2Row {
  readonly bands: readonly (readonly [upTo: number, score: number])[];
  readonly above: number;
}

/**
 * NEWS2 chart 1 (Royal College of Physicians 2017; clinical.md) for the vital signs, SpO2 on scale 1.
 * Scale 2 depends on oxygen and lives with the rest of the scoring in `@vigil/rules`; the boards use
 * these rows only to highlight a tile.
 */
export const NEWS2_CHART1: Readonly<Record<News2Vital, News2Row>> = {
  rr: {
    bands: [
      [8, 3],
      [11, 1],
      [20, 0],
      [24, 2],
    ],
    above: 3,
  },
  spo2: {
    bands: [
      [91, 3],
      [93, 2],
      [95, 1],
    ],
    above: 0,
  },
  sbp: {
    bands: [
      [90, 3],
      [100, 2],
      [110, 1],
      [219, 0],
    ],
    above: 3,
  },
  hr: {
    bands: [
      [40, 3],
      [50, 1],
      [90, 0],
      [110, 1],
      [130, 2],
    ],
    above: 3,
  },
  temp: {
    bands: [
      [35.0, 3],
      [36.0, 1],
      [38.0, 0],
      [39.0, 1],
    ],
    above: 2,
  },
};

/**
 * A value at the chart's precision (`VITALS[v].decimals`: whole numbers, one decimal for temperature),
 * half up, so a value between two bands lands in one: 36.05 → 36.1.
 */
export function roundToChart(vital: News2Vital, value: number): number {
  const f = 10 ** VITALS[vital].decimals;
  // With a nudge, so 36.05 (stored as 36.04999…) rounds as written.
  return Math.round(value * f + 1e-9) / f;
}

/** The chart 1 sub-score of one vital (SpO2 on scale 1). */
export function news2Subscore(vital: News2Vital, value: number): number {
  const v = roundToChart(vital, value);
  const row = NEWS2_CHART1[vital];
  for (const [upTo, score] of row.bands) if (v <= upTo) return score;
  return row.above;
}

/** NEWS2 clinical risk bands (RCP 2017 chart 4). */
export const RiskLevel = z.enum(['low', 'low_medium', 'medium', 'high']);
export type RiskLevel = z.infer<typeof RiskLevel>;

/** NEWS2 wherever it appears (contract §4.1). */
export const News2 = z.object({
  score: z.number().int().min(0).max(20),
  risk: RiskLevel,
  partial: z.boolean(),
  missing: z.array(News2Param),
  subscores: z.object({
    rr: z.number().int().optional(),
    spo2: z.number().int().optional(),
    air: z.number().int().optional(),
    sbp: z.number().int().optional(),
    hr: z.number().int().optional(),
    consciousness: z.number().int().optional(),
    temp: z.number().int().optional(),
  }),
  at: IsoTime,
});
export type News2 = z.infer<typeof News2>;
