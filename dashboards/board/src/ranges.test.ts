import { describe, expect, it } from 'vitest';
import { severity } from './ranges.ts';

describe('tile severity (NEWS2 chart 1 bands)', () => {
  it.each([
    ['hr', 40, 2],
    ['hr', 41, 1],
    ['hr', 51, 0],
    ['hr', 90, 0],
    ['hr', 91, 1],
    ['hr', 131, 2],
    ['spo2', 91, 2],
    ['spo2', 95, 1],
    ['spo2', 96, 0],
    ['rr', 8, 2],
    ['rr', 12, 0],
    ['rr', 21, 1],
    ['rr', 25, 2],
    ['sbp', 90, 2],
    ['sbp', 110, 1],
    ['sbp', 111, 0],
    ['sbp', 220, 2],
    ['temp', 35.0, 2],
    ['temp', 36.1, 0],
    ['temp', 38.1, 1],
    ['temp', 39.5, 1],
  ] as const)('%s %d → %d', (name, v, s) => expect(severity(name, v)).toBe(s));

  it('reads a value at the precision the tile shows it, as NEWS2 does', () => {
    // Shown as "91": highlighted, as the platform scores it.
    expect(severity('hr', 90.6)).toBe(1);
  });

  it('does not highlight what NEWS2 does not chart', () => {
    expect(severity('dbp', 140)).toBe(0);
    expect(severity('battery', 3)).toBe(0);
  });
});
