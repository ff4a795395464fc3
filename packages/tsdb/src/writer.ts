import {
  HttpError,
  InfluxDB,
  type Logger as ClientLogger,
  setLogger,
  type WriteApi,
} from '@influxdata/influxdb-client';
import type { Logger } from '@vigil/runtime';
import type { VitalsPoint } from '@vigil/stores';
import { toLine } from './line.ts';
import { TrackingTransport } from './transport.ts';

export interface TsdbWriterOptions {
  url: string;
  token?: string;
  /** v2 organisation (ignored by InfluxDB 1.8, 3.x and VictoriaMetrics). */
  org: string;
  /** v2 bucket (`db/rp` or `db` on InfluxDB 1.8; database on 3.x). */
  bucket: string;
  /**
   * `v2`: `POST /api/v2/write` (InfluxDB 1.8+, 2.x, 3.x, VictoriaMetrics).
   * `v1`: `POST /write?db=…` (every InfluxDB including 1.0–1.7, 2.x compat, 3.x, VictoriaMetrics).
   */
  api: 'v2' | 'v1';
  /** `db` and `rp` of the v1 endpoint. */
  database: string;
  retentionPolicy?: string;
  batchSize: number;
  flushIntervalMs: number;
  /** Lines kept for retry while the TSDB is failing; beyond, the oldest are dropped (counted). */
  maxBufferLines: number;
  maxRetries: number;
  retryDelayMs: number;
  timeoutMs: number;
  logger: Logger;
}

export interface TsdbWriterStats {
  /** Lines the TSDB acknowledged. */
  written: number;
  /** Lines given up on: a non-retryable answer, retries exhausted, or still unsent at `close()`. */
  failed: number;
  /** Lines dropped to keep the retry buffer under `maxBufferLines`, or appended after `close()`. */
  dropped: number;
  /** Points that could not become a line (no finite ts, no field, an id unusable as a tag). */
  rejected: number;
  /** Failed write requests, retried or not. */
  failedRequests: number;
  /** Lines appended and not yet acknowledged or given up. */
  pending: number;
}

interface Pending {
  residentId: string;
  point: VitalsPoint;
  /** Same line appended n times (a replay): settled once per copy. */
  n: number;
}

/** The client logs through one global logger: route it into ours at debug, our hooks log the rest. */
function routeClientLogs(logger: Logger) {
  const client: ClientLogger = {
    error: (message) => logger.debug({ source: 'influxdb-client' }, message),
    warn: (message) => logger.debug({ source: 'influxdb-client' }, message),
  };
  setLogger(client);
}

/**
 * Batched line-protocol writes on `@influxdata/influxdb-client`'s WriteApi (dependencies.md
 * "history writes"). `write` only buffers: it never waits for and never throws from the TSDB, so
 * ingest is never held up by it. Failures are counted and logged (counts and status, never a line:
 * lines hold health values). The points not yet acknowledged stay readable through `pendingFor`.
 */
export class TsdbWriter {
  private readonly api: WriteApi;
  private readonly transport: TrackingTransport;
  private readonly pending = new Map<string, Pending>();
  private readonly maxPending: number;
  private closing: Promise<void> | undefined;
  private readonly counts = { written: 0, failed: 0, dropped: 0, rejected: 0, failedRequests: 0 };

  constructor(private readonly opts: TsdbWriterOptions) {
    routeClientLogs(opts.logger);
    const base = new InfluxDB({ url: opts.url, token: opts.token, timeout: opts.timeoutMs });
    this.transport = new TrackingTransport(base.transport);
    const client = new InfluxDB({ url: opts.url, token: opts.token, transport: this.transport });
    // Everything buffered, in flight and waiting for retry is bounded by these; beyond, reads merge
    // only the newest pending points (the writer keeps its own bound).
    this.maxPending = opts.maxBufferLines + 4 * opts.batchSize;
    const self = this;
    this.api = client.getWriteApi(opts.org, opts.bucket, 'ms', {
      batchSize: opts.batchSize,
      flushInterval: opts.flushIntervalMs,
      maxBufferLines: opts.maxBufferLines,
      maxRetries: opts.maxRetries,
      minRetryDelay: opts.retryDelayMs,
      maxRetryDelay: Math.max(opts.retryDelayMs, 30_000),
      maxRetryTime: Math.max(opts.retryDelayMs * 2 ** (opts.maxRetries + 1), 60_000),
      retryJitter: Math.min(200, opts.retryDelayMs),
      writeSuccess(lines) {
        self.counts.written += lines.length;
        self.settle(lines);
      },
      writeFailed(error, lines, attempt, expires) {
        self.onFailure(error, lines, attempt, expires);
        // undefined: the client's own retry policy (maxRetries, delays) decides what happens next.
        return undefined;
      },
      writeRetrySkipped(entry) {
        self.counts.dropped += entry.lines.length;
        self.settle(entry.lines);
        opts.logger.warn({ lines: entry.lines.length }, 'tsdb retry buffer full: oldest lines dropped');
      },
    });
    if (opts.api === 'v1') {
      const rp = opts.retentionPolicy ? `&rp=${encodeURIComponent(opts.retentionPolicy)}` : '';
      this.api.path = `/write?db=${encodeURIComponent(opts.database)}${rp}&precision=ms`;
    }
  }

  /** Buffers one point; true when it was taken. Never throws, never waits. */
  write(residentId: string, point: VitalsPoint, facilityId?: string): boolean {
    if (this.closing) {
      this.counts.dropped++;
      return false;
    }
    let line: string | undefined;
    try {
      line = toLine(residentId, point, facilityId);
    } catch {
      // `toLine` is built not to throw; if the client library ever does, the point is counted as
      // rejected just below, never logged (it holds health values).
      line = undefined;
    }
    if (line === undefined) {
      this.counts.rejected++;
      return false;
    }
    const known = this.pending.get(line);
    if (known) known.n++;
    else this.pending.set(line, { residentId, point: { ...point }, n: 1 });
    if (this.pending.size > this.maxPending) {
      const oldest = this.pending.keys().next();
      if (!oldest.done) this.pending.delete(oldest.value);
    }
    try {
      this.api.writeRecord(line);
    } catch {
      // Only a closed WriteApi throws here, and `closing` guards that; never into ingest regardless.
      this.settle([line]);
      this.counts.dropped++;
      return false;
    }
    return true;
  }

  /** Points of this resident in `[from, to]` that the TSDB has not acknowledged yet. */
  pendingFor(residentId: string, from: number, to: number): VitalsPoint[] {
    const out: VitalsPoint[] = [];
    for (const p of this.pending.values()) {
      if (p.residentId === residentId && p.point.ts >= from && p.point.ts <= to) out.push({ ...p.point });
    }
    return out;
  }

  /**
   * Sends what is buffered and waits for every write in flight to be answered. Resolves even when
   * the TSDB fails (the failure is counted and logged); lines waiting for a retry stay there.
   */
  async flush(): Promise<void> {
    // A failed write has been counted and logged by `writeFailed` already; the rejection repeats it.
    await this.api.flush().catch(() => undefined);
    await this.transport.settled();
  }

  /**
   * Shutdown (dependencies.md "shutdown": flush TSDB writer): sends the buffer and every line waiting
   * for a retry once more, then closes; what still has not landed is counted as failed. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // Failed writes are counted and logged by `writeFailed`, and what is left is counted below.
      await this.api.flush(true).catch(() => undefined);
      await this.transport.settled();
      await this.api.close().catch(() => undefined);
      await this.transport.settled();
      let lost = 0;
      for (const p of this.pending.values()) lost += p.n;
      this.pending.clear();
      if (lost > 0) {
        this.counts.failed += lost;
        this.opts.logger.warn({ lines: lost }, 'tsdb writer closed with unwritten lines');
      }
    })();
    return this.closing;
  }

  stats(): TsdbWriterStats {
    let pending = 0;
    for (const p of this.pending.values()) pending += p.n;
    return { ...this.counts, pending };
  }

  private onFailure(error: Error, lines: string[], attempt: number, expires: number) {
    this.counts.failedRequests++;
    const status = error instanceof HttpError ? error.statusCode : undefined;
    // The client retries network errors and HTTP 429/5xx, up to maxRetries and maxRetryTime.
    const retryable = status === undefined || status >= 429;
    const final = this.closing !== undefined || !retryable || attempt > this.opts.maxRetries || Date.now() >= expires;
    // Server messages can quote the offending line (health values): log the status and error code only.
    const context = {
      lines: lines.length,
      attempt,
      ...(status !== undefined && { status }),
      ...(error instanceof HttpError && error.code && { code: error.code }),
      ...(status === undefined && { err: (error as NodeJS.ErrnoException).code ?? error.name }),
    };
    if (final) {
      this.counts.failed += lines.length;
      this.settle(lines);
      this.opts.logger.warn(context, 'tsdb write failed: lines dropped');
    } else {
      this.opts.logger.warn(context, 'tsdb write failed: will retry');
    }
  }

  private settle(lines: readonly string[]) {
    for (const line of lines) {
      const p = this.pending.get(line);
      if (!p) continue;
      if (--p.n <= 0) this.pending.delete(line);
    }
  }
}
