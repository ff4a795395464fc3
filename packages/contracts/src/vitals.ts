import { z } from 'zod';
import { WireTime } from './ids.ts';

/**
 * Physical bounds (contract §1.4): a value outside them cannot come from a living person or a working
 * sensor, so the message is rejected with `out_of_range` and never judged clinically.
 */
export const VITAL_BOUNDS = {
  hr: { min: 0, max: 300 },
  spo2: { min: 0, max: 100 },
  rr: { min: 0, max: 80 },
  sbp: { min: 0, max: 300 },
  dbp: { min: 0, max: 250 },
  temp: { min: 25, max: 45 },
  battery: { min: 0, max: 100 },
} as const;

export const VITAL_KEYS = ['hr', 'spo2', 'rr', 'sbp', 'dbp', 'temp'] as const;
export type VitalKey = (typeof VITAL_KEYS)[number];

const bounded = (key: keyof typeof VITAL_BOUNDS) => z.number().min(VITAL_BOUNDS[key].min).max(VITAL_BOUNDS[key].max);

/** ACVPU (contract §1.1): Alert, new Confusion, Voice, Pain, Unresponsive. */
export const Consciousness = z.enum(['A', 'C', 'V', 'P', 'U']);
export type Consciousness = z.infer<typeof Consciousness>;

/** One vitals sample (contract §1.1). Unknown fields are ignored (zod strips them). */
export const VitalsSample = z
  .object({
    ts: WireTime,
    seq: z.number().int().nonnegative().optional(),
    hr: bounded('hr').optional(),
    spo2: bounded('spo2').optional(),
    rr: bounded('rr').optional(),
    sbp: bounded('sbp').optional(),
    dbp: bounded('dbp').optional(),
    temp: bounded('temp').optional(),
    onOxygen: z.boolean().optional(),
    consciousness: Consciousness.optional(),
    battery: bounded('battery').optional(),
    worn: z.boolean().optional(),
    steps: z.number().int().nonnegative().optional(),
  })
  .refine(
    (s) =>
      VITAL_KEYS.some((k) => s[k] !== undefined) ||
      s.consciousness !== undefined ||
      s.battery !== undefined ||
      s.worn !== undefined ||
      s.steps !== undefined,
    { message: 'at least one measurement is required', params: { code: 'missing_measurement' } },
  );
export type VitalsSample = z.infer<typeof VitalsSample>;

/** Store-and-forward after an outage: up to 1000 samples, processed in `ts` order (contract §1.1). */
export const MAX_BATCH_SAMPLES = 1000;

/** The batch envelope is checked first; samples are then validated one by one so one bad sample
 *  does not cost the good ones (docs/device-protocol.md). */
export const VitalsBatchEnvelope = z.object({
  samples: z.array(z.unknown()).min(1).max(MAX_BATCH_SAMPLES),
});

export const VitalsBatch = z.object({
  samples: z.array(VitalsSample).min(1).max(MAX_BATCH_SAMPLES),
});
export type VitalsBatch = z.infer<typeof VitalsBatch>;
