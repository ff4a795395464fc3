import { z } from 'zod';
import { IsoTime } from './ids.ts';

/**
 * Machine-readable reasons a device message is rejected (contract §1.4). Devices receive them on
 * their `errors` topic; `GET /api/devices/{id}` counts them per code.
 */
export const INGEST_ERROR_CODES = [
  'payload_too_large',
  'invalid_json',
  'schema_violation',
  'missing_measurement',
  'out_of_range',
  'too_many_samples',
  'ts_in_future',
  'ts_too_old',
  'unknown_device',
] as const;
export const IngestErrorCode = z.enum(INGEST_ERROR_CODES);
export type IngestErrorCode = z.infer<typeof IngestErrorCode>;

/** Payload published to `care/{facilityId}/devices/{deviceId}/errors`. */
export const IngestErrorMessage = z.object({
  ts: IsoTime,
  topic: z.string(),
  code: IngestErrorCode,
  detail: z.string(),
});
export type IngestErrorMessage = z.infer<typeof IngestErrorMessage>;

/** Limits of contract §1.4. */
export const INGEST_LIMITS = {
  maxPayloadBytes: 64 * 1024,
  maxFutureSkewMs: 5 * 60_000,
  maxAgeMs: 24 * 60 * 60_000,
} as const;
