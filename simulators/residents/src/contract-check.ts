import {
  DeviceEvent,
  DeviceStatus,
  INGEST_LIMITS,
  SensorTelemetry,
  VitalsBatch,
  VitalsSample,
  type UplinkChannel,
} from '@vigil/contracts';

export type CheckResult = { ok: true } | { ok: false; reason: string };

const fail = (reason: string): CheckResult => ({ ok: false, reason });

/**
 * Checks one uplink payload the way the platform's ingest must (contract §1.1–1.4): size, JSON,
 * the contracts' zod schema for the channel, then the time window against the device's clock
 * `nowMs`. Used by the tests on every generated payload; handy for a dry run too.
 */
export function checkUplink(channel: UplinkChannel, payload: string, nowMs: number): CheckResult {
  if (Buffer.byteLength(payload) > INGEST_LIMITS.maxPayloadBytes) return fail('payload_too_large');
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return fail('invalid_json');
  }
  const times: number[] = [];
  switch (channel) {
    case 'vitals': {
      const isBatch = typeof body === 'object' && body !== null && 'samples' in body;
      const parsed = isBatch ? VitalsBatch.safeParse(body) : VitalsSample.safeParse(body);
      if (!parsed.success) return fail(`schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      if ('samples' in parsed.data) times.push(...parsed.data.samples.map((s) => s.ts));
      else times.push(parsed.data.ts);
      break;
    }
    case 'events': {
      const parsed = DeviceEvent.safeParse(body);
      if (!parsed.success) return fail(`schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      times.push(parsed.data.ts);
      break;
    }
    case 'telemetry': {
      const parsed = SensorTelemetry.safeParse(body);
      if (!parsed.success) return fail(`schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      times.push(parsed.data.ts);
      break;
    }
    case 'status': {
      const parsed = DeviceStatus.safeParse(body);
      return parsed.success ? { ok: true } : fail('schema: status');
    }
  }
  for (const ts of times) {
    if (ts > nowMs + INGEST_LIMITS.maxFutureSkewMs) return fail('ts_in_future');
    if (ts < nowMs - INGEST_LIMITS.maxAgeMs) return fail('ts_too_old');
  }
  return { ok: true };
}
