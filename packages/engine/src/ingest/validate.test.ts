import { INGEST_LIMITS, VitalsSample } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { checkTs, parsePayload, rejectionFromIssues } from './validate.ts';

describe('validate', () => {
  it('checks size before parsing', () => {
    const big = Buffer.alloc(INGEST_LIMITS.maxPayloadBytes + 1, 0x20);
    expect(parsePayload(big)).toMatchObject({ ok: false, rejection: { code: 'payload_too_large' } });
    expect(parsePayload(Buffer.alloc(INGEST_LIMITS.maxPayloadBytes, 0x20))).toMatchObject({
      ok: false,
      rejection: { code: 'invalid_json' },
    });
    expect(parsePayload(Buffer.from('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
  });

  it('reports a wrong type before an out-of-range value in the same message', () => {
    const r = VitalsSample.safeParse({ ts: 1, hr: 400, spo2: 'a' });
    expect(r.success).toBe(false);
    expect(rejectionFromIssues(r.error?.issues ?? [])).toEqual({
      code: 'schema_violation',
      detail: 'spo2: Invalid input: expected number, received string',
    });
  });

  it('maps range issues to out_of_range with the bound and a prefix', () => {
    const r = VitalsSample.safeParse({ ts: 1, temp: 20 });
    expect(rejectionFromIssues(r.error?.issues ?? [], 'samples[7]')).toEqual({
      code: 'out_of_range',
      detail: 'samples[7]: temp out of range (min 25)',
    });
  });

  it('bounds ts at +5 min and -24 h inclusive', () => {
    const now = 1_800_000_000_000;
    expect(checkTs(now + INGEST_LIMITS.maxFutureSkewMs, now)).toBeUndefined();
    expect(checkTs(now + INGEST_LIMITS.maxFutureSkewMs + 1, now)?.code).toBe('ts_in_future');
    expect(checkTs(now - INGEST_LIMITS.maxAgeMs, now)).toBeUndefined();
    expect(checkTs(now - INGEST_LIMITS.maxAgeMs - 1, now)?.code).toBe('ts_too_old');
  });
});
