import { DEFAULT_RULE_SETTINGS } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { type BaselineState, updateBaseline } from './baseline.ts';
import { reportBaselines } from './report-baselines.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;
const settings = DEFAULT_RULE_SETTINGS;

/** Resting readings a minute apart, alternating 58 and 62: mean 60, population sd 2 (an even count). */
function learned(minutes: number): BaselineState | undefined {
  let b: BaselineState | undefined;
  for (let i = 0; i <= minutes; i++)
    b = updateBaseline(b, i % 2 === 0 ? 58 : 62, T0 + i * MIN, settings.baseline.halfLifeMs);
  return b;
}

describe('reportBaselines', () => {
  it('reports the learned resting heart rate with its spread, limit, count and span, active after the warm-up', () => {
    // 122 readings over 121 min: past the default 2 h warm-up.
    const [hr, ...rest] = reportBaselines({ baseline: learned(121) }, settings, {});
    expect(rest).toEqual([]);
    // Mean and sd by hand over 122 readings, 61 of each: mean 60, sd 2; limit 60 + max(20, 3 × 2).
    expect(hr).toEqual({
      vital: 'hr',
      context: 'resting',
      unit: '/min',
      mean: 60,
      sd: 2,
      limit: 80,
      samples: 122,
      learningSince: new Date(T0).toISOString(),
      lastLearnedAt: new Date(T0 + 121 * MIN).toISOString(),
      learnedMs: 121 * MIN,
      warmupMs: 120 * MIN,
      state: 'active',
    });
  });

  it('says warming up before the readings span the warm-up, and disabled when the care plan turns it off', () => {
    const early = { baseline: learned(59) };
    expect(reportBaselines(early, settings, {})[0]).toMatchObject({ state: 'warming_up', samples: 60 });
    expect(reportBaselines(early, settings, { baseline: { enabled: false } })[0]?.state).toBe('disabled');
    const off = { ...settings, baseline: { ...settings.baseline, enabled: false } };
    expect(reportBaselines({ baseline: learned(200) }, off, {})[0]?.state).toBe('disabled');
  });

  it('has nothing to report before the first resting reading; a count saved before counting is null', () => {
    expect(reportBaselines(undefined, settings, {})).toEqual([]);
    expect(reportBaselines({}, settings, {})).toEqual([]);
    const { samples: _, ...uncounted } = learned(10) as BaselineState;
    expect(reportBaselines({ baseline: uncounted }, settings, {})[0]?.samples).toBeNull();
  });
});
