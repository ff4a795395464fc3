import { z } from 'zod';
import { WireTime } from './ids.ts';

/** Room air temperature (contract §1.3): what a sensor can report, and how a person reads it. */
export const AIR_TEMP = { name: 'Air temperature', unit: '°C', bounds: { min: -40, max: 85 } } as const;

const FIELDS = ['waterLeak', 'smoke', 'mainsPower', 'airTemp', 'humidity', 'co', 'doorOpen'] as const;

/** Facility sensor reading, any subset of the fields (contract §1.3). */
export const SensorTelemetry = z
  .object({
    ts: WireTime,
    seq: z.number().int().nonnegative().optional(),
    waterLeak: z.boolean().optional(),
    smoke: z.boolean().optional(),
    mainsPower: z.boolean().optional(),
    airTemp: z.number().min(AIR_TEMP.bounds.min).max(AIR_TEMP.bounds.max).optional(),
    humidity: z.number().min(0).max(100).optional(),
    co: z.number().min(0).max(10000).optional(),
    doorOpen: z.boolean().optional(),
  })
  .refine((t) => FIELDS.some((f) => t[f] !== undefined), {
    message: 'at least one reading is required',
    params: { code: 'missing_measurement' },
  });
export type SensorTelemetry = z.infer<typeof SensorTelemetry>;
