import { effect, signal, untracked } from '@preact/signals';
import { openAlerts } from '../store.ts';
import { audioState, playBurst, prepareAudio, stopAudio, unlockAudio } from './audio.ts';
import type { BurstPriority } from './burst.ts';
import { type AlarmMemory, decideAlarm, EMPTY_MEMORY } from './policy.ts';
import { muteUntil } from './mute.ts';

/**
 * Wires the policy (policy.ts) to the store and the audio (audio.ts): on every change of the open
 * alerts, and on a short tick for the burst repeats and the mute countdown.
 */
export const mutedUntil = signal(0);
/** What would sound if not muted. */
export const sounding = signal<BurstPriority | null>(null);
/** Ticks once a second while muted, for the countdown. */
export const alarmClock = signal(Date.now());

/** Below the shortest burst interval (2.5 s), so a repeat is late by at most this much. */
const TICK_MS = 250;

let memory: AlarmMemory = EMPTY_MEMORY;

function step(): void {
  const now = Date.now();
  const d = decideAlarm(openAlerts.value, now, mutedUntil.value, memory);
  // A burst the suspended context cannot play is not counted as heard: it plays once sound is enabled.
  if (!d.play || audioState.value === 'running') memory = d.memory;
  if (d.mutedUntil !== mutedUntil.value) mutedUntil.value = d.mutedUntil;
  sounding.value = d.sounding;
  // Acknowledged or muted: cut the burst in flight, not only the next one.
  if (d.sounding === null || d.mutedUntil > now) stopAudio();
  if (d.play) playBurst(d.play.priority, d.play.loudness);
  if (mutedUntil.value > 0 && Math.floor(now / 1000) !== Math.floor(alarmClock.value / 1000)) alarmClock.value = now;
}

export function muteAlarm(): void {
  mutedUntil.value = muteUntil(Date.now());
  alarmClock.value = Date.now();
  step();
}

export function unmuteAlarm(): void {
  mutedUntil.value = 0;
  step();
}

export function startAlarm(): () => void {
  prepareAudio();
  // Sound the moment an alert arrives or is acknowledged, not on the next tick; and the moment the
  // context starts running after the "enable sound" click.
  const stopEffect = effect(() => {
    void openAlerts.value;
    void audioState.value;
    untracked(step);
  });
  const tick = setInterval(step, TICK_MS);
  // After a reload there was no sign-in click: any click or key on the board is the gesture audio needs.
  const opts = { capture: true } as const;
  document.addEventListener('pointerdown', unlockAudio, opts);
  document.addEventListener('keydown', unlockAudio, opts);
  return () => {
    document.removeEventListener('pointerdown', unlockAudio, opts);
    document.removeEventListener('keydown', unlockAudio, opts);
    stopEffect();
    clearInterval(tick);
    stopAudio();
    memory = EMPTY_MEMORY;
    mutedUntil.value = 0;
    sounding.value = null;
  };
}
