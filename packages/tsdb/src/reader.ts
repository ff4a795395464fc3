import type { LatestVitals, VitalsPoint } from '@vigil/stores';
import { TsdbError } from './errors.ts';
import {
  latestFromResults,
  latestStatements,
  pointsFromResult,
  QueryResponse,
  rangeQuery,
  type StatementResult,
  timeBounds,
} from './influxql.ts';

export interface InfluxQLReaderOptions {
  url: string;
  /** Sent as `Authorization: Token …` (v2/v3 token; `user:password` for InfluxDB 1.8+ with auth). */
  token?: string;
  /** `db` of `/query` (v1 database; v2: a database with a DBRP mapping to the bucket; v3: database). */
  database: string;
  /** `rp` of `/query`, when not the default retention policy. */
  retentionPolicy?: string;
  timeoutMs: number;
  /** Rows per request for `range` (a long window is read in pages: servers cap rows per answer). */
  pageSize: number;
}

/** InfluxDB 1.x answers a statement on a missing database with this error; it only means "nothing yet". */
const NO_DATABASE = /^database not found/;
/**
 * What InfluxDB 1.x reports for statements after a failed one; on a missing database (1.6 at least)
 * it is the only error of a multi-statement query, with the real one left out.
 */
const NOT_EXECUTED = 'not executed';

/**
 * Reads in InfluxQL over `GET /query?db=…&q=…&epoch=ms`, the one read API every InfluxDB generation
 * serves (1.x, 2.x with a DBRP mapping, 3.x); Flux is not used (3.x and VictoriaMetrics lack it).
 */
export class InfluxQLReader {
  constructor(private readonly opts: InfluxQLReaderOptions) {}

  /**
   * Runs the statements in one request; their results in order. A missing database answers every
   * statement with no rows.
   */
  async query(statements: readonly string[]): Promise<StatementResult[]> {
    const results = await this.request(statements.join('; '));
    const failed = results.find((r) => r.error !== undefined && r.error !== NOT_EXECUTED);
    if (failed?.error !== undefined) {
      if (NO_DATABASE.test(failed.error)) return statements.map((_, i) => ({ statement_id: i }));
      throw new TsdbError('tsdb_query_failed', `InfluxQL query: ${failed.error}`);
    }
    if (results.some((r) => r.error === NOT_EXECUTED)) {
      // Only "not executed", the cause withheld: the first statement alone names it.
      if (statements.length > 1 && statements[0] !== undefined) {
        await this.query([statements[0]]);
        if (!(await this.databaseExists())) return statements.map((_, i) => ({ statement_id: i }));
      }
      throw new TsdbError('tsdb_query_failed', 'InfluxQL query: statements not executed');
    }
    return results;
  }

  private async databaseExists(): Promise<boolean> {
    const [result] = await this.request('SHOW DATABASES');
    return (result?.series?.[0]?.values ?? []).some((row) => row[0] === this.opts.database);
  }

  /** One `GET /query`; the per-statement results as the server gave them. */
  private async request(q: string): Promise<StatementResult[]> {
    const base = this.opts.url.endsWith('/') ? this.opts.url : `${this.opts.url}/`;
    const url = new URL('query', base);
    url.searchParams.set('db', this.opts.database);
    if (this.opts.retentionPolicy) url.searchParams.set('rp', this.opts.retentionPolicy);
    url.searchParams.set('epoch', 'ms');
    url.searchParams.set('q', q);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.token) headers.authorization = `Token ${this.opts.token}`;

    let status: number;
    let body: string;
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(this.opts.timeoutMs) });
      status = res.status;
      body = await res.text();
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') {
        throw new TsdbError('tsdb_timeout', `InfluxQL query: no answer within ${this.opts.timeoutMs} ms`);
      }
      const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      throw new TsdbError('tsdb_unavailable', `InfluxQL query: ${cause}`);
    }

    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const parsed = QueryResponse.safeParse(json);
    if (status < 200 || status >= 300) {
      const detail = parsed.success && parsed.data.error ? `: ${parsed.data.error}` : '';
      throw new TsdbError('tsdb_query_failed', `InfluxQL query: HTTP ${status}${detail}`, status);
    }
    if (!parsed.success)
      throw new TsdbError('tsdb_bad_response', 'InfluxQL query: not an InfluxQL JSON answer', status);
    if (parsed.data.error) throw new TsdbError('tsdb_query_failed', `InfluxQL query: ${parsed.data.error}`, status);
    return parsed.data.results ?? [];
  }

  /**
   * The resident's points with `from <= ts <= to`, oldest first, in pages of `pageSize`. A full page
   * keeps the rows before its last timestamp and the next page starts at that timestamp: rows of one
   * time in several series (InfluxDB orders such ties differently from one query to the next) are
   * read together, neither lost nor repeated.
   */
  async range(residentId: string, from: number, to: number): Promise<VitalsPoint[]> {
    const bounds = timeBounds(from, to);
    if (!bounds) return [];
    const { pageSize } = this.opts;
    const out: VitalsPoint[] = [];
    let lower = bounds.from;
    for (;;) {
      const page = await this.points(rangeQuery(residentId, lower, bounds.to, pageSize));
      const last = page.at(-1);
      if (page.length < pageSize || !last) {
        out.push(...page);
        return out;
      }
      if (page[0]?.ts === last.ts) {
        // A whole page of one timestamp (as many series as a page): that time alone, unpaged.
        out.push(...(await this.points(rangeQuery(residentId, last.ts, last.ts))));
        if (last.ts >= bounds.to) return out;
        lower = last.ts + 1;
      } else {
        out.push(...page.filter((p) => p.ts < last.ts));
        lower = last.ts;
      }
    }
  }

  private async points(statement: string): Promise<VitalsPoint[]> {
    const [result] = await this.query([statement]);
    return result ? pointsFromResult(result) : [];
  }

  /** Each field's last value with its own timestamp, one request; undefined when none is stored. */
  async latest(residentId: string): Promise<LatestVitals | undefined> {
    return latestFromResults(residentId, await this.query(latestStatements(residentId)));
  }
}
