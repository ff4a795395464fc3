import { describe, expect, it } from 'vitest';
import { formatCountdown, MUTE_MS, muteRemainingMs, muteUntil } from './mute.ts';

describe('alarm mute', () => {
  it('lasts two minutes, never longer', () => {
    expect(MUTE_MS).toBe(120_000);
    expect(muteUntil(1_000)).toBe(121_000);
  });
  it('counts down to zero and no further', () => {
    expect(muteRemainingMs(121_000, 1_000)).toBe(120_000);
    expect(muteRemainingMs(121_000, 200_000)).toBe(0);
  });
  it('shows minutes and seconds, rounded up', () => {
    expect(formatCountdown(120_000)).toBe('2:00');
    expect(formatCountdown(119_001)).toBe('2:00');
    expect(formatCountdown(118_999)).toBe('1:59');
    expect(formatCountdown(9_000)).toBe('0:09');
    expect(formatCountdown(1)).toBe('0:01');
  });
});
