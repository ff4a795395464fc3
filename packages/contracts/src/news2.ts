import { z } from 'zod';
import { IsoTime } from './ids.ts';

export const NEWS2_PARAMS = ['rr', 'spo2', 'air', 'sbp', 'hr', 'consciousness', 'temp'] as const;
export const News2Param = z.enum(NEWS2_PARAMS);
export type News2Param = z.infer<typeof News2Param>;

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
