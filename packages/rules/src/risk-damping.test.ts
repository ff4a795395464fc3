import type { News2, RiskLevel } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { type RiskTrack, trackRisk } from './risk-damping.ts';

const HOLD = 5 * 60_000;
const n2 = (risk: RiskLevel, subscores: News2['subscores'] = {}): News2 => ({
  score: 0,
  risk,
  partial: false,
  missing: [],
  subscores,
  at: new Date(0).toISOString(),
});

/** Feeds risks one minute apart; returns the changes announced, as `from→to`. */
function run(risks: RiskLevel[], stepMs = 60_000): string[] {
  let track: RiskTrack | undefined;
  const out: string[] = [];
  risks.forEach((r, i) => {
    const next = trackRisk(track, n2(r), i * stepMs, HOLD);
    track = next.track;
    if (next.change) out.push(`${next.change.previousRisk}→${next.change.risk}`);
  });
  return out;
}

describe('risk changes announced to the medical team (contract §4.4)', () => {
  it('a first score is not a change', () => {
    expect(run(['high'])).toEqual([]);
  });

  it('a rise is announced at once, with what drives it', () => {
    const first = trackRisk(undefined, n2('low'), 0, HOLD);
    const rose = trackRisk(first.track, n2('medium', { hr: 2, rr: 3, temp: 0 }), 1000, HOLD);
    expect(rose.change).toEqual({
      risk: 'medium',
      previousRisk: 'low',
      summary: { direction: 'rose', drivers: ['rr', 'hr'], partial: false },
    });
  });

  it('a fall is announced only once it has held, as the highest level seen meanwhile', () => {
    // medium, then 4 min low, still within the hold: nothing; then at 5 min below: medium→low.
    expect(run(['low', 'medium', 'low', 'low', 'low', 'low'])).toEqual(['low→medium']);
    expect(run(['low', 'medium', 'low', 'low_medium', 'low', 'low', 'low', 'low'])).toEqual([
      'low→medium',
      'medium→low_medium',
    ]);
  });

  it('a resident wavering on a band edge is announced once, not at every crossing', () => {
    const wavering: RiskLevel[] = [];
    for (let i = 0; i < 30; i++) wavering.push(i % 2 ? 'medium' : 'low_medium');
    expect(run(wavering)).toEqual(['low_medium→medium']);
  });

  it('a return to the announced level restarts the hold', () => {
    expect(run(['low', 'high', 'medium', 'medium', 'medium', 'medium', 'high', 'medium'])).toEqual(['low→high']);
  });

  it('late data behind newer scores changes nothing', () => {
    const a = trackRisk(undefined, n2('low'), 10_000, HOLD);
    expect(trackRisk(a.track, n2('high'), 5_000, HOLD).change).toBeUndefined();
  });
});
