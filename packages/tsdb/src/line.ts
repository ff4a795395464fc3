import { Point } from '@influxdata/influxdb-client';
import type { VitalsPoint } from '@vigil/stores';
import { BOOLEAN_FIELDS, FACILITY_TAG, MEASUREMENT, NUMERIC_FIELDS, RESIDENT_TAG } from './fields.ts';

/**
 * A tag value line protocol can carry: non-empty (the client drops empty tags, which would write the
 * point without its resident), no line breaks, no trailing backslash (it would escape the separator
 * after it and break the whole batch). Contract ids (`^[A-Za-z0-9_.-]{1,64}$`) always pass.
 */
export const isTagValue = (v: string) => v.length > 0 && !/[\r\n]/.test(v) && !v.endsWith('\\');

const convertTime = (t: string | number | Date | undefined) => (typeof t === 'number' ? String(t) : undefined);

/**
 * One line of line protocol, millisecond timestamp, or undefined when there is nothing writable
 * (no finite timestamp, no field, an id that is not a tag value). Never throws.
 */
export function toLine(residentId: string, point: VitalsPoint, facilityId?: string): string | undefined {
  if (!isTagValue(residentId) || !Number.isFinite(point.ts)) return undefined;
  const p = new Point(MEASUREMENT).tag(RESIDENT_TAG, residentId).timestamp(Math.floor(point.ts));
  if (facilityId !== undefined && isTagValue(facilityId)) p.tag(FACILITY_TAG, facilityId);
  for (const f of NUMERIC_FIELDS) {
    const v = point[f];
    if (typeof v === 'number' && Number.isFinite(v)) p.floatField(f, v);
  }
  for (const f of BOOLEAN_FIELDS) {
    const v = point[f];
    if (typeof v === 'boolean') p.booleanField(f, v);
  }
  if (typeof point.consciousness === 'string') p.stringField('consciousness', point.consciousness);
  return p.toLineProtocol({ convertTime });
}
