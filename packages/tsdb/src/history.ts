import { createLogger, type Logger } from '@vigil/runtime';
import type { LatestVitals, VitalsHistory, VitalsPoint } from '@vigil/stores';
import { TsdbError } from './errors.ts';
import { LatestCache, mergeLatest, mergePoints } from './latest.ts';
import { InfluxQLReader } from './reader.ts';
import { resolveTsdbSettings, type TsdbHistoryOptions } from './settings.ts';
import { TsdbWriter, type TsdbWriterStats } from './writer.ts';

export interface TsdbHistoryStats extends TsdbWriterStats {
  /** `latest` calls answered from the in-process cache alone because the TSDB read failed. */
  readFailures: number;
}

/**
 * `VitalsHistory` on a TSDB: writes batched by the WriteApi, reads in InfluxQL, and in between an
 * in-process cache of the latest values and the points not yet acknowledged, so what was just
 * appended is visible at once (the writer batches and the TSDB is eventually consistent).
 *
 * Differences from the memory ring: one point per resident and timestamp (a second append with the
 * same `ts` merges its fields into the first, as the TSDB does), a point without any field is not
 * stored, and retention is the TSDB's, not a count per resident.
 */
export class TsdbVitalsHistory implements VitalsHistory {
  private readonly cache = new LatestCache();
  private readFailures = 0;
  private facilityLookupFailures = 0;

  constructor(
    private readonly writer: TsdbWriter,
    private readonly reader: InfluxQLReader,
    private readonly logger: Logger,
    private readonly facilityOf?: (residentId: string) => string | undefined,
  ) {}

  /** Buffers the point; never waits for the TSDB and never fails because of it. */
  async append(residentId: string, point: VitalsPoint): Promise<void> {
    this.cache.apply(residentId, point);
    let facilityId: string | undefined;
    try {
      facilityId = this.facilityOf?.(residentId);
    } catch (err) {
      // A lookup must never cost a reading: the point is written without its facility tag.
      if (this.facilityLookupFailures++ % 100 === 0) {
        this.logger.warn(
          { err, residentId, failures: this.facilityLookupFailures },
          'facility lookup failed: point written without facility tag',
        );
      }
    }
    this.writer.write(residentId, point, facilityId);
  }

  /**
   * Per field the newer of the cache and the TSDB. When the TSDB cannot answer, the cache alone
   * (logged and counted): the monitor keeps what this process has seen rather than failing.
   */
  async latest(residentId: string): Promise<LatestVitals | undefined> {
    let stored: LatestVitals | undefined;
    try {
      stored = await this.reader.latest(residentId);
    } catch (err) {
      this.readFailures++;
      this.logger.warn({ code: err instanceof TsdbError ? err.code : 'unknown' }, 'tsdb latest failed: cache only');
    }
    return mergeLatest(residentId, this.cache.get(residentId), stored);
  }

  /** Stored points plus those still buffered, oldest first; rejects with a `TsdbError` on a read failure. */
  async range(residentId: string, from: number, to: number): Promise<VitalsPoint[]> {
    if (!(from <= to)) return [];
    const stored = await this.reader.range(residentId, from, to);
    return mergePoints(stored, this.writer.pendingFor(residentId, from, to));
  }

  /** Sends the buffer and waits for the answers; never rejects (failures are counted). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Flushes, retries once what waits for a retry, and stops the writer. Reads keep working. */
  close(): Promise<void> {
    return this.writer.close();
  }

  stats(): TsdbHistoryStats {
    return { ...this.writer.stats(), readFailures: this.readFailures };
  }
}

/** Builds the history from options (no I/O until the first append or read). */
export function createTsdbHistory(opts: TsdbHistoryOptions): TsdbVitalsHistory {
  const settings = resolveTsdbSettings(opts);
  const logger = (opts.logger ?? createLogger()).child({ module: 'tsdb' });
  const writer = new TsdbWriter({ ...settings, logger });
  const reader = new InfluxQLReader({ ...settings, pageSize: settings.queryPageSize });
  return new TsdbVitalsHistory(writer, reader, logger, opts.facilityOf);
}
