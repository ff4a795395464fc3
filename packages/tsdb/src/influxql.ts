import type { LatestVitals, VitalsPoint } from '@vigil/stores';
import { z } from 'zod';
import { ALL_FIELDS, MEASUREMENT, NUMERIC_FIELDS, RESIDENT_TAG, setField } from './fields.ts';

/**
 * InfluxQL string literal: single quotes, with backslash, quote and line breaks escaped, the escapes
 * the InfluxQL scanner understands. Every untrusted value goes into a query only through this.
 */
export function quoteString(value: string): string {
  return `'${value.replace(/[\\'\n\r]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`))}'`;
}

/** InfluxQL identifier: double quotes, backslash and double quote escaped. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Bounds InfluxDB can store (int64 nanoseconds, 1677–2262); device timestamps before the epoch are
 * not vitals, so the lower bound is 0.
 */
export const MIN_TIME_MS = 0;
export const MAX_TIME_MS = 9_223_372_036_854;

/** `[from, to]` as integer ms within the storable range, or undefined when nothing can match. */
export function timeBounds(from: number, to: number): { from: number; to: number } | undefined {
  if (Number.isNaN(from) || Number.isNaN(to)) return undefined;
  const lo = Math.max(MIN_TIME_MS, Math.ceil(Math.max(from, MIN_TIME_MS)));
  const hi = Math.min(MAX_TIME_MS, Math.floor(Math.min(to, MAX_TIME_MS)));
  return lo <= hi ? { from: lo, to: hi } : undefined;
}

const M = quoteIdent(MEASUREMENT);
const whereResident = (residentId: string) => `${quoteIdent(RESIDENT_TAG)} = ${quoteString(residentId)}`;

/** A resident's points in `[from, to]` (ms, inclusive), oldest first, at most `limit` of them. */
export function rangeQuery(residentId: string, from: number, to: number, limit?: number): string {
  return (
    `SELECT * FROM ${M} WHERE ${whereResident(residentId)} AND time >= ${from}ms AND time <= ${to}ms ` +
    `ORDER BY time ASC${limit === undefined ? '' : ` LIMIT ${limit}`}`
  );
}

/**
 * `LAST` of every field, one statement per field: each value comes with its own timestamp (one
 * `SELECT LAST(a), LAST(b)` would return a single time for all). Statement i is field `ALL_FIELDS[i]`.
 */
export function latestStatements(residentId: string): string[] {
  return ALL_FIELDS.map((f) => `SELECT LAST(${quoteIdent(f)}) FROM ${M} WHERE ${whereResident(residentId)}`);
}

/** The JSON `/query` answers (InfluxDB 1.x, 2.x compat, 3.x), `epoch=ms` so times are numbers. */
const Series = z.object({
  name: z.string().optional(),
  columns: z.array(z.string()),
  values: z.array(z.array(z.unknown())).optional(),
});
const StatementResult = z.object({
  statement_id: z.number().optional(),
  series: z.array(Series).optional(),
  error: z.string().optional(),
});
export const QueryResponse = z.object({
  results: z.array(StatementResult).optional(),
  error: z.string().optional(),
});
export type QueryResponse = z.infer<typeof QueryResponse>;
export type StatementResult = z.infer<typeof StatementResult>;

/** Rows of a `SELECT *` result as points; rows without a numeric time are skipped. */
export function pointsFromResult(result: StatementResult): VitalsPoint[] {
  const points: VitalsPoint[] = [];
  for (const series of result.series ?? []) {
    const timeAt = series.columns.indexOf('time');
    if (timeAt < 0) continue;
    for (const row of series.values ?? []) {
      const ts = row[timeAt];
      if (typeof ts !== 'number') continue;
      const p: VitalsPoint = { ts };
      series.columns.forEach((col, i) => {
        if (i !== timeAt) setField(p, col, row[i]);
      });
      points.push(p);
    }
  }
  return points;
}

/** The answers of `latestStatements`, statement by statement; undefined when no field has a value. */
export function latestFromResults(residentId: string, results: readonly StatementResult[]): LatestVitals | undefined {
  const out: LatestVitals = { residentId, values: {} };
  let any = false;
  ALL_FIELDS.forEach((field, i) => {
    const result = results.find((r) => r.statement_id === i) ?? results[i];
    const row = result?.series?.[0]?.values?.[0];
    const columns = result?.series?.[0]?.columns;
    if (!row || !columns) return;
    const ts = row[columns.indexOf('time')];
    const v = row[columns.indexOf('last')];
    if (typeof ts !== 'number') return;
    const probe: VitalsPoint = { ts };
    setField(probe, field, v);
    const value = probe[field];
    if (value === undefined) return;
    any = true;
    if ((NUMERIC_FIELDS as readonly string[]).includes(field)) Object.assign(out.values, { [field]: { v: value, ts } });
    else Object.assign(out, { [field]: { v: value, ts } });
  });
  return any ? out : undefined;
}
