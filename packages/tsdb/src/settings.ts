import type { Logger } from '@vigil/runtime';
import { TsdbError } from './errors.ts';

/**
 * Where the vitals history lives (contract §5: `INFLUX_URL`, `INFLUX_TOKEN`, `INFLUX_ORG`,
 * `INFLUX_BUCKET`, `INFLUX_DATABASE`). See README.md for how the settings map on each server.
 */
export interface TsdbHistoryOptions {
  /** `INFLUX_URL`: base URL, e.g. `http://influxdb:8086` (a path prefix is kept). */
  url: string;
  /** `INFLUX_TOKEN`: sent as `Authorization: Token …` (`user:password` for InfluxDB 1.8+ with auth). */
  token?: string;
  /** `INFLUX_ORG`: InfluxDB 2.x organisation; ignored by 1.8, 3.x and VictoriaMetrics. */
  org?: string;
  /** `INFLUX_BUCKET`: where writes go: 2.x bucket, 3.x database, 1.8 `db` or `db/rp`. Default: `database`. */
  bucket?: string;
  /**
   * `INFLUX_DATABASE`: the `db` of InfluxQL reads (and of v1 writes): 1.x database, 2.x database with a
   * DBRP mapping to the bucket, 3.x database. Default: the bucket up to its first `/`.
   */
  database?: string;
  /**
   * Write endpoint: `v2` (default) `POST /api/v2/write`; `v1` `POST /write?db=…` for InfluxDB before
   * 1.8 (Debian's 1.6) or to give VictoriaMetrics a `db` label.
   */
  writeApi?: 'v2' | 'v1';
  /** Lines per write request (default 500). */
  batchSize?: number;
  /** Longest a point waits in the buffer (default 2000 ms). */
  flushIntervalMs?: number;
  /** Lines kept for retry while the TSDB fails; beyond, the oldest are dropped (default 50,000). */
  maxBufferLines?: number;
  /** Retries of a failed write request (default 2). */
  maxRetries?: number;
  /** First retry delay, growing exponentially (default 1000 ms). */
  retryDelayMs?: number;
  /** Per HTTP request, writes and reads (default 5000 ms). */
  timeoutMs?: number;
  /** Rows per `/query` request when reading a range (default 10,000). */
  queryPageSize?: number;
  /** The resident's facility, written as tag `facility` when known. Must be quick and synchronous. */
  facilityOf?: (residentId: string) => string | undefined;
  logger?: Logger;
}

/** The options with defaults applied and the server names resolved. */
export interface TsdbSettings {
  url: string;
  token?: string;
  org: string;
  bucket: string;
  database: string;
  retentionPolicy?: string;
  api: 'v2' | 'v1';
  batchSize: number;
  flushIntervalMs: number;
  maxBufferLines: number;
  maxRetries: number;
  retryDelayMs: number;
  timeoutMs: number;
  queryPageSize: number;
}

/**
 * Defaults and the bucket/database mapping (README.md "Settings on each server"). Every problem is
 * reported at once in one `tsdb_config` error (STYLE.md §5).
 */
export function resolveTsdbSettings(opts: TsdbHistoryOptions): TsdbSettings {
  const problems: string[] = [];
  const int = (name: string, v: number | undefined, fallback: number, min = 1) => {
    const n = v ?? fallback;
    if (!Number.isInteger(n) || n < min) problems.push(`${name} must be an integer >= ${min}`);
    return n;
  };
  let protocol = '';
  try {
    protocol = new URL(opts.url).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'http:' && protocol !== 'https:') problems.push('url must be an http(s) URL');
  const bucket = opts.bucket || opts.database || '';
  if (!bucket) problems.push('set bucket (INFLUX_BUCKET) or database (INFLUX_DATABASE)');
  const slash = bucket.indexOf('/');
  const database = opts.database || (slash >= 0 ? bucket.slice(0, slash) : bucket);
  // InfluxDB 1.8 spells a retention policy in the bucket as `db/rp`: reads use it too.
  const retentionPolicy = slash >= 0 && bucket.slice(0, slash) === database ? bucket.slice(slash + 1) : undefined;
  const batchSize = int('batchSize', opts.batchSize, 500);
  const settings: TsdbSettings = {
    url: opts.url,
    token: opts.token || undefined,
    org: opts.org ?? '',
    bucket,
    database,
    retentionPolicy,
    api: opts.writeApi ?? 'v2',
    batchSize,
    flushIntervalMs: int('flushIntervalMs', opts.flushIntervalMs, 2_000),
    maxBufferLines: int('maxBufferLines', opts.maxBufferLines, 50_000, batchSize),
    maxRetries: int('maxRetries', opts.maxRetries, 2, 0),
    retryDelayMs: int('retryDelayMs', opts.retryDelayMs, 1_000),
    timeoutMs: int('timeoutMs', opts.timeoutMs, 5_000),
    queryPageSize: int('queryPageSize', opts.queryPageSize, 10_000),
  };
  if (problems.length > 0) throw new TsdbError('tsdb_config', `invalid TSDB settings: ${problems.join('; ')}`);
  return settings;
}
