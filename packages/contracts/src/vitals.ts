import { z } from 'zod';
import { WireTime } from './ids.ts';

/** What every part of Vigil says about one vital sign. */
export interface VitalInfo {
  /** In a nurse's words: alert titles and conditions, explanation inputs ("Respiration rate high: 25 /min"). */
  readonly name: string;
  /** Short, where space is tight: tiles, consult tables, NEWS2 sub-scores ("RR"). */
  readonly label: string;
  /** As written after a value. */
  readonly unit: string;
  /** Decimals a value is read at: NEWS2 chart 1's precision (clinical.md), and what the boards show. */
  readonly decimals: number;
  /**
   * Physical bounds (contract §1.4): a value outside them cannot come from a living person or a working
   * sensor, so the message is rejected with `out_of_range` and never judged clinically.
   */
  readonly bounds: { readonly min: number; readonly max: number };
  /** Has alert limits (rule settings `vitals`, care-plan `thresholds`, critical limits). */
  readonly thresholds: boolean;
}

/**
 * The vital signs of a sample (contract §1.1), declared once: wire fields, names, units and bounds are
 * derived from this table everywhere (ingest, rules, history, simulator, boards). Key order is the order
 * they are listed in, on the wire and in reports. Diastolic pressure is stored, shown and summarised,
 * never judged on its own (NEWS2 scores systolic only).
 */
export const VITALS = {
  hr: { name: 'Heart rate', label: 'HR', unit: 'bpm', decimals: 0, bounds: { min: 0, max: 300 }, thresholds: true },
  spo2: { name: 'SpO2', label: 'SpO2', unit: '%', decimals: 0, bounds: { min: 0, max: 100 }, thresholds: true },
  rr: {
    name: 'Respiration rate',
    label: 'RR',
    unit: '/min',
    decimals: 0,
    bounds: { min: 0, max: 80 },
    thresholds: true,
  },
  sbp: {
    name: 'Systolic blood pressure',
    label: 'Systolic BP',
    unit: 'mmHg',
    decimals: 0,
    bounds: { min: 0, max: 300 },
    thresholds: true,
  },
  dbp: {
    name: 'Diastolic blood pressure',
    label: 'Diastolic BP',
    unit: 'mmHg',
    decimals: 0,
    bounds: { min: 0, max: 250 },
    thresholds: false,
  },
  temp: {
    name: 'Temperature',
    label: 'Temp',
    unit: '°C',
    decimals: 1,
    bounds: { min: 25, max: 45 },
    thresholds: true,
  },
} as const satisfies Record<string, VitalInfo>;

export type VitalKey = keyof typeof VITALS;
/** `hr spo2 rr sbp dbp temp`, in `VITALS` order. */
export const VITAL_KEYS = Object.keys(VITALS) as readonly VitalKey[];

/** The wearable's battery level in a sample (contract §1.1): a device's state, not a person's. */
export const BATTERY = { name: 'Battery', unit: '%', bounds: { min: 0, max: 100 } } as const;

/** Physical bounds of every bounded number in a sample (contract §1.4), from `VITALS` and `BATTERY`. */
export const VITAL_BOUNDS: Readonly<Record<VitalKey | 'battery', VitalInfo['bounds']>> = {
  ...perVital(VITAL_KEYS, (k) => VITALS[k].bounds),
  battery: BATTERY.bounds,
};

/**
 * `{ hr: make('hr'), … }` over `keys`, in their order: one field per vital (a schema's shape, a lookup
 * table) without restating the names.
 */
export function perVital<K extends VitalKey, T>(keys: readonly K[], make: (key: K) => T): { [P in K]: T } {
  return Object.fromEntries(keys.map((k) => [k, make(k)])) as { [P in K]: T };
}

const bounded = (key: keyof typeof VITAL_BOUNDS) => z.number().min(VITAL_BOUNDS[key].min).max(VITAL_BOUNDS[key].max);

/** ACVPU (contract §1.1): Alert, new Confusion, Voice, Pain, Unresponsive. */
export const Consciousness = z.enum(['A', 'C', 'V', 'P', 'U']);
export type Consciousness = z.infer<typeof Consciousness>;

/** One vitals sample (contract §1.1). Unknown fields are ignored (zod strips them). */
export const VitalsSample = z
  .object({
    ts: WireTime,
    seq: z.number().int().nonnegative().optional(),
    ...perVital(VITAL_KEYS, (k) => bounded(k).optional()),
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
