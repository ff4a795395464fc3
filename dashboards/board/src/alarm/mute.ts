/**
 * Audio pause (IEC 60601-1-8 "AUDIO PAUSED"): always for a limited time, never a permanent mute.
 * Pressing it again while paused does not extend the pause past one period from that press.
 */
export const MUTE_MS = 2 * 60_000;

export const muteUntil = (now: number): number => now + MUTE_MS;

export const muteRemainingMs = (mutedUntil: number, now: number): number => Math.max(0, mutedUntil - now);

/** "1:59": whole seconds rounded up, so the countdown never shows 0:00 while still muted. */
export function formatCountdown(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
