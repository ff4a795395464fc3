import { VITAL_KEYS } from '@vigil/contracts';
import type { VitalsPoint } from '@vigil/stores';

/** One measurement, one series per resident (and facility when known). */
export const MEASUREMENT = 'vitals';
export const RESIDENT_TAG = 'resident';
export const FACILITY_TAG = 'facility';

/** Written as floats always: an InfluxDB field keeps the type of its first write per shard. */
export const NUMERIC_FIELDS = [...VITAL_KEYS, 'battery', 'steps'] as const;
export const BOOLEAN_FIELDS = ['onOxygen', 'worn'] as const;
export const STRING_FIELDS = ['consciousness'] as const;
export const ALL_FIELDS = [...NUMERIC_FIELDS, ...STRING_FIELDS, ...BOOLEAN_FIELDS] as const;

export type NumericField = (typeof NUMERIC_FIELDS)[number];
export type BooleanField = (typeof BOOLEAN_FIELDS)[number];
export type Field = (typeof ALL_FIELDS)[number];

const isNumeric = (f: string): f is NumericField => (NUMERIC_FIELDS as readonly string[]).includes(f);
const isBoolean = (f: string): f is BooleanField => (BOOLEAN_FIELDS as readonly string[]).includes(f);

/** Sets `field` on `point` when `value` has the field's type; anything else is ignored. */
export function setField(point: VitalsPoint, field: string, value: unknown): void {
  if (isNumeric(field)) {
    if (typeof value === 'number' && Number.isFinite(value)) point[field] = value;
  } else if (isBoolean(field)) {
    if (typeof value === 'boolean') point[field] = value;
  } else if (field === 'consciousness') {
    if (typeof value === 'string') point.consciousness = value;
  }
}
