import { describe, expect, it } from 'vitest';
import {
  latestFromResults,
  latestStatements,
  MAX_TIME_MS,
  pointsFromResult,
  quoteIdent,
  quoteString,
  rangeQuery,
  timeBounds,
} from './influxql.ts';

describe('InfluxQL building', () => {
  it('escapes quotes, backslashes and line breaks in string literals', () => {
    expect(quoteString('r1')).toBe(`'r1'`);
    expect(quoteString(`o'brien`)).toBe(`'o\\'brien'`);
    expect(quoteString(`a\\b`)).toBe(`'a\\\\b'`);
    // An attempt to close the literal and add a condition stays inside the literal.
    expect(quoteString(`x' OR '1'='1`)).toBe(`'x\\' OR \\'1\\'=\\'1'`);
    expect(quoteString(`x\\' OR 1=1 --`)).toBe(`'x\\\\\\' OR 1=1 --'`);
    expect(quoteString('a\nb\rc')).toBe(`'a\\nb\\rc'`);
    expect(quoteIdent('on"Oxygen')).toBe(`"on\\"Oxygen"`);
  });

  it('builds the range query with integer ms bounds, oldest first, limited', () => {
    expect(rangeQuery(`o'b`, 1000, 2000, 500)).toBe(
      `SELECT * FROM "vitals" WHERE "resident" = 'o\\'b' AND time >= 1000ms AND time <= 2000ms ORDER BY time ASC LIMIT 500`,
    );
    expect(rangeQuery('r1', 1, 2)).toMatch(/ORDER BY time ASC$/);
  });

  it('clamps time bounds to what InfluxDB stores', () => {
    expect(timeBounds(1.5, 2.5)).toEqual({ from: 2, to: 2 });
    expect(timeBounds(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).toEqual({ from: 0, to: MAX_TIME_MS });
    expect(timeBounds(-10, -1)).toBeUndefined();
    expect(timeBounds(5, 4)).toBeUndefined();
    expect(timeBounds(Number.NaN, 4)).toBeUndefined();
  });

  it('asks LAST of every field in its own statement', () => {
    const q = latestStatements('r1');
    expect(q).toHaveLength(11);
    expect(q).toContain(`SELECT LAST("onOxygen") FROM "vitals" WHERE "resident" = 'r1'`);
  });
});

describe('InfluxQL answers', () => {
  it('turns SELECT * rows into points, ignoring tags, nulls and mistyped values', () => {
    const points = pointsFromResult({
      statement_id: 0,
      series: [
        {
          name: 'vitals',
          columns: ['time', 'consciousness', 'facility', 'hr', 'onOxygen', 'resident', 'spo2', 'worn'],
          values: [
            [1000, 'A', 'f1', 72, false, 'r1', 97, true],
            [2000, null, null, 80, null, 'r1', null, 'yes'],
            ['bad', null, null, 1, null, 'r1', null, null],
          ],
        },
      ],
    });
    expect(points).toEqual([
      { ts: 1000, consciousness: 'A', hr: 72, onOxygen: false, spo2: 97, worn: true },
      { ts: 2000, hr: 80 },
    ]);
    expect(pointsFromResult({ statement_id: 0 })).toEqual([]);
  });

  it('reads LAST answers statement by statement, each with its own time', () => {
    const last = (ts: number, v: unknown) => ({
      series: [{ name: 'vitals', columns: ['time', 'last'], values: [[ts, v]] }],
    });
    const results = [
      { statement_id: 0, ...last(2000, 80) },
      { statement_id: 1, ...last(1000, 97) },
      { statement_id: 8, ...last(1000, 'V') },
      { statement_id: 10, ...last(3000, true) },
    ];
    expect(latestFromResults('r1', results)).toEqual({
      residentId: 'r1',
      values: { hr: { v: 80, ts: 2000 }, spo2: { v: 97, ts: 1000 } },
      consciousness: { v: 'V', ts: 1000 },
      worn: { v: true, ts: 3000 },
    });
    expect(latestFromResults('r1', [{ statement_id: 0 }, { statement_id: 1 }])).toBeUndefined();
  });
});
