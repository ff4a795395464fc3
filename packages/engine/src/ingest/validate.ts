import { INGEST_LIMITS, type IngestErrorCode, VitalsBatchEnvelope } from '@vigil/contracts';
import type { z } from 'zod';

/** One reason a message (or one sample of a batch) was rejected (contract §1.4). */
export interface Rejection {
  code: IngestErrorCode;
  detail: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

const reject = (code: IngestErrorCode, detail: string): { ok: false; rejection: Rejection } => ({
  ok: false,
  rejection: { code, detail },
});

/** Size first, then JSON: the cheapest checks that protect the rest (contract §1.4). */
export function parsePayload(payload: Buffer): Checked<unknown> {
  if (payload.length > INGEST_LIMITS.maxPayloadBytes) {
    return reject('payload_too_large', `payload is ${payload.length} bytes, limit ${INGEST_LIMITS.maxPayloadBytes}`);
  }
  try {
    return { ok: true, value: JSON.parse(payload.toString('utf8')) };
  } catch {
    return reject('invalid_json', 'payload is not valid JSON');
  }
}

type Issue = z.core.$ZodIssue;

const pathText = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );

/** A refine that names its code in `params.code` (contracts: missing_measurement) keeps it. */
function customCode(issue: Issue): IngestErrorCode | undefined {
  if (issue.code !== 'custom') return undefined;
  const code = (issue.params as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? (code as IngestErrorCode) : undefined;
}

/** Maps one zod issue to the contract's machine-readable code and a short, value-free detail. */
function issueToRejection(issue: Issue, prefix: string): Rejection {
  const field = pathText(issue.path);
  const label = (text: string) => (prefix ? `${prefix}: ${text}` : text);
  const custom = customCode(issue);
  if (custom) return { code: custom, detail: label(issue.message) };
  if ((issue.code === 'too_big' || issue.code === 'too_small') && issue.origin === 'array') {
    // contract §1.1: up to 1000 samples
    if (issue.code === 'too_big' && field === 'samples') {
      return { code: 'too_many_samples', detail: `more than ${String(issue.maximum)} samples` };
    }
    return { code: 'schema_violation', detail: label(`${field}: ${issue.message}`) };
  }
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    // A negative epoch is simply far in the past (contract §1.4 "older than 24 h").
    if (field === 'ts') return { code: 'ts_too_old', detail: label('ts before the epoch') };
    if (field === 'seq') return { code: 'schema_violation', detail: label('seq must be a non-negative integer') };
    const bound = issue.code === 'too_big' ? `max ${String(issue.maximum)}` : `min ${String(issue.minimum)}`;
    // contract §1.4: values outside physical bounds; the value itself is not echoed.
    return { code: 'out_of_range', detail: label(`${field} out of range (${bound})`) };
  }
  return { code: 'schema_violation', detail: label(field ? `${field}: ${issue.message}` : issue.message) };
}

/** Malformed input says more about a broken device than one bad value, so it is reported first. */
const PRIORITY: readonly IngestErrorCode[] = [
  'too_many_samples',
  'schema_violation',
  'ts_too_old',
  'out_of_range',
  'missing_measurement',
];

export function rejectionFromIssues(issues: readonly Issue[], prefix = ''): Rejection {
  const all = issues.map((i) => issueToRejection(i, prefix));
  const rank = (r: Rejection) => {
    const i = PRIORITY.indexOf(r.code);
    return i === -1 ? PRIORITY.length : i;
  };
  const best = all.sort((a, b) => rank(a) - rank(b))[0];
  return best ?? { code: 'schema_violation', detail: prefix ? `${prefix}: invalid` : 'invalid' };
}

/** contract §1.4: ts more than 5 min ahead of the platform clock, or older than 24 h. */
export function checkTs(ts: number, now: number, prefix = ''): Rejection | undefined {
  if (ts > now + INGEST_LIMITS.maxFutureSkewMs) {
    return { code: 'ts_in_future', detail: labelled(prefix, 'ts more than 5 min ahead of the platform clock') };
  }
  if (ts < now - INGEST_LIMITS.maxAgeMs) return { code: 'ts_too_old', detail: labelled(prefix, 'ts older than 24 h') };
  return undefined;
}

/** A module function, not a closure per call: this runs for every sample. */
const labelled = (prefix: string, text: string) => (prefix ? `${prefix}: ${text}` : text);

/** Schema + ts bounds for one object carrying `ts` (sample, event, telemetry). */
export function validateTimed<S extends z.ZodType<{ ts: number }>>(
  schema: S,
  value: unknown,
  now: number,
  prefix = '',
): Checked<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { ok: false, rejection: rejectionFromIssues(parsed.error.issues, prefix) };
  const late = checkTs(parsed.data.ts, now, prefix);
  return late ? { ok: false, rejection: late } : { ok: true, value: parsed.data };
}

/** Whether a vitals payload is the store-and-forward batch shape (contract §1.1). */
export const isBatch = (value: unknown): value is { samples: unknown } =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && 'samples' in value;

/** The envelope is checked first; its errors reject the whole message (contract §1.1). */
export function checkEnvelope(value: unknown): Checked<unknown[]> {
  const parsed = VitalsBatchEnvelope.safeParse(value);
  if (!parsed.success) return { ok: false, rejection: rejectionFromIssues(parsed.error.issues) };
  return { ok: true, value: parsed.data.samples };
}
