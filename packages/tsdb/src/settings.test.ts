import { describe, expect, it } from 'vitest';
import { TsdbError } from './errors.ts';
import { resolveTsdbSettings } from './settings.ts';

describe('TSDB settings', () => {
  it('applies the defaults of dependencies.md (batches of 500, 2 s, low retries, bounded buffer)', () => {
    expect(resolveTsdbSettings({ url: 'http://influx:8086', bucket: 'vigil' })).toMatchObject({
      api: 'v2',
      org: '',
      bucket: 'vigil',
      database: 'vigil',
      batchSize: 500,
      flushIntervalMs: 2_000,
      maxRetries: 2,
      maxBufferLines: 50_000,
      timeoutMs: 5_000,
    });
  });

  it('maps bucket and database for each server generation', () => {
    // 2.x: bucket for writes, a DBRP-mapped database for InfluxQL.
    expect(resolveTsdbSettings({ url: 'http://h', org: 'care', bucket: 'vitals-b', database: 'vitals' })).toMatchObject(
      {
        org: 'care',
        bucket: 'vitals-b',
        database: 'vitals',
        retentionPolicy: undefined,
      },
    );
    // 1.8: `db/rp` as bucket; reads use the same database and retention policy.
    expect(resolveTsdbSettings({ url: 'http://h', bucket: 'vigil/autogen' })).toMatchObject({
      bucket: 'vigil/autogen',
      database: 'vigil',
      retentionPolicy: 'autogen',
    });
    // 1.x, 3.x, VictoriaMetrics: a database alone is the bucket too.
    expect(resolveTsdbSettings({ url: 'http://h', database: 'vigil', writeApi: 'v1' })).toMatchObject({
      bucket: 'vigil',
      database: 'vigil',
      api: 'v1',
    });
  });

  it('reports every problem at once with a code', () => {
    let err: unknown;
    try {
      resolveTsdbSettings({ url: 'influx:8086', batchSize: 0, maxRetries: -1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TsdbError);
    expect(err).toMatchObject({ code: 'tsdb_config' });
    const message = (err as Error).message;
    for (const part of ['url', 'bucket', 'batchSize', 'maxRetries']) expect(message).toContain(part);
  });
});
