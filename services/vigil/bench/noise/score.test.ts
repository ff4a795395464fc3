import type { Alert, AlertKind, Priority } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import type { Episode } from './episodes.ts';
import type { Signal } from './run-day.ts';
import { delays, type ScoredRun, score } from './score.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T16:00:00Z');

const episode = (id: number, over: Partial<Episode>): Episode => ({
  id,
  resident: 0,
  template: 'desaturation',
  cls: 'sustained',
  kind: 'desaturation',
  startMs: T0 + HOURS(id + 1),
  rampMs: 5 * MIN,
  holdMs: 20 * MIN,
  endMs: T0 + HOURS(id + 1) + 30 * MIN,
  caughtBy: ['vital.spo2_low', 'news2'],
  depth: {},
  shift: {},
  immobile: false,
  ...over,
});
function HOURS(h: number) {
  return h * 60 * MIN;
}
let n = 0;
const signal = (
  resident: number,
  kind: AlertKind,
  atMs: number,
  how: Signal['how'],
  priority: Priority = 'medium',
) => ({
  alert: { id: `al${n++}`, residentId: `r${resident + 1}`, kind, priority } as Alert,
  atMs,
  how,
});

describe('score', () => {
  const sustained = episode(0, {});
  const critical = episode(1, { cls: 'critical', template: 'critical_desaturation', critical: 'spo2_low' });
  const lateCritical = episode(2, {
    cls: 'critical',
    resident: 1,
    template: 'critical_tachycardia',
    critical: 'hr_high',
    caughtBy: ['vital.hr_high'],
  });
  const sparse = episode(3, { cls: 'sparse', resident: 2, template: 'sparse_desaturation' });
  const onset1 = critical.startMs + 40_000;
  const onset2 = lateCritical.startMs + 30_000;
  const run: ScoredRun = {
    plan: { episodes: [sustained, critical, lateCritical, sparse] },
    onsetMs: [undefined, onset1, onset2, undefined],
    updates: 7,
    signals: [
      signal(0, 'vital.spo2_low', sustained.startMs + 3 * MIN, 'raised'),
      // A medium alert before the onset does not count for a critical episode; its rise to high does.
      signal(0, 'vital.spo2_low', onset1 - 5_000, 'raised'),
      signal(0, 'vital.spo2_low', onset1 + 5_000, 'priority', 'high'),
      signal(1, 'vital.hr_high', onset2 + 65_000, 'raised', 'high'),
      // The sparse episode is only heard of by the wrong kind: missed.
      signal(2, 'vital.temp_high', sparse.startMs + 10 * MIN, 'raised'),
      // Outside every episode: false, and technical ones are not clinical.
      signal(3, 'vital.sbp_low', T0 + HOURS(10), 'raised'),
      signal(3, 'vital.sbp_low', T0 + HOURS(11), 'repeat'),
      signal(3, 'device.not_worn', T0 + HOURS(12), 'raised', 'low'),
    ],
  };
  const s = score(run, 4);
  const cls = (c: string) => s.classes.find((x) => x.cls === c);

  it('times sustained episodes in minutes from their start and critical ones in seconds from the first critical reading', () => {
    expect(cls('sustained')).toMatchObject({ episodes: 1, caught: 1, unit: 'min', delay: { median: 3 } });
    expect(cls('critical')).toMatchObject({ episodes: 2, caught: 2, unit: 's', delay: { median: 5, max: 65 } });
    expect(s.targets.critical).toEqual({ met: false, of: 2, missed: 0, late: 1, worstS: 65 });
  });

  it('misses an episode heard of only by kinds that do not catch it, and holds sparse episodes to the target', () => {
    expect(cls('sparse')?.missed).toEqual(['desaturation (r3)']);
    expect(s.targets.sustained).toEqual({ met: false, of: 1, missed: 1 });
  });

  it('counts chimes (raised, reraised, a new occurrence) and finds the false ones', () => {
    // 7 chimes: the priority rise is not one.
    expect(s.perResidentDay.all).toBe(1.75);
    expect(s.perResidentDay.technical).toBe(0.25);
    expect(s.perResidentDay.falseClinical).toBe(0.5);
    expect(s.falseByKind).toEqual({ 'vital.sbp_low': 2 });
    expect(s.targets.falseClinical).toMatchObject({ met: true, perResidentDay: 0.5 });
  });

  it('reports a critical episode with only a medium alert as not high', () => {
    const onlyMedium = score({ ...run, signals: run.signals.filter((x) => x.how !== 'priority') }, 4);
    expect(onlyMedium.classes.find((c) => c.cls === 'critical')?.missed).toEqual(['desaturation (r1): not high']);
  });

  it('takes nearest-rank percentiles', () => {
    expect(delays([5, 1, 3, 2, 4, 6, 7, 8, 9, 10])).toEqual({ median: 5, p90: 9, max: 10 });
    expect(delays([]).median).toBeNaN();
  });
});
