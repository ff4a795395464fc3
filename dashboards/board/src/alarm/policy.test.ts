import { describe, expect, it } from 'vitest';
import {
  type AlarmMemory,
  decideAlarm,
  EMPTY_MEMORY,
  HIGH_INTERVAL_MS,
  HIGH_RERAISED_INTERVAL_MS,
  MEDIUM_REPEAT_MS,
  MEDIUM_RERAISED_REPEAT_MS,
  BURST_MS,
} from './policy.ts';

const HIGH_PERIOD = BURST_MS.high + HIGH_INTERVAL_MS;
const RERAISED_PERIOD = BURST_MS.high + HIGH_RERAISED_INTERVAL_MS;

type P = 'high' | 'medium' | 'low';
type S = 'active' | 'acknowledged';
const alert = (id: string, priority: P, state: S = 'active', reraisedAt?: string) => ({
  id,
  priority,
  state,
  raisedAt: '2026-01-01T08:00:00.000Z',
  ...(reraisedAt && { reraisedAt }),
});
const T0 = 1_000_000;

/** Runs the policy over time like the controller's tick does, returning what played when. */
function run(alerts: Parameters<typeof decideAlarm>[0], from: number, to: number, stepMs = 250, mutedUntil = 0) {
  let memory: AlarmMemory = EMPTY_MEMORY;
  const plays: { at: number; priority: string; loudness: string }[] = [];
  for (let t = from; t <= to; t += stepMs) {
    const d = decideAlarm(alerts, t, mutedUntil, memory);
    memory = d.memory;
    mutedUntil = d.mutedUntil;
    if (d.play) plays.push({ at: t - from, ...d.play });
  }
  return plays;
}

describe('decideAlarm', () => {
  it('a high alert plays at once and repeats every burst interval until acknowledged', () => {
    // The silence between bursts (t_b) runs from the end of one burst to the start of the next.
    expect(BURST_MS.high).toBe(3_500);
    const plays = run([alert('a', 'high')], T0, T0 + 2 * HIGH_PERIOD + 1_000);
    expect(plays.map((p) => p.at)).toEqual([0, HIGH_PERIOD, 2 * HIGH_PERIOD]);
    expect(plays.every((p) => p.priority === 'high' && p.loudness === 'normal')).toBe(true);
    expect(run([alert('a', 'high', 'acknowledged')], T0, T0 + 12_000)).toEqual([]);
  });

  it('a medium alert plays once, then again only after the repeat period', () => {
    const plays = run([alert('m', 'medium')], T0, T0 + MEDIUM_REPEAT_MS + 1_000, 1_000);
    expect(plays.map((p) => p.at)).toEqual([0, MEDIUM_REPEAT_MS]);
    expect(plays[0]?.priority).toBe('medium');
  });

  it('low alerts never sound', () => {
    const d = decideAlarm([alert('l', 'low')], T0, 0, EMPTY_MEMORY);
    expect(d.play).toBeNull();
    expect(d.sounding).toBeNull();
  });

  it('high supersedes medium: no medium burst while a high one sounds', () => {
    const plays = run([alert('a', 'high'), alert('m', 'medium')], T0, T0 + 6_000);
    expect(plays.every((p) => p.priority === 'high')).toBe(true);
  });

  it('a re-raised alert is louder and more urgent than a first call', () => {
    const high = run([alert('a', 'high', 'active', '2026-01-01T08:10:00.000Z')], T0, T0 + 2 * RERAISED_PERIOD);
    expect(high.map((p) => p.at)).toEqual([0, RERAISED_PERIOD, 2 * RERAISED_PERIOD]);
    expect(high.every((p) => p.loudness === 'loud')).toBe(true);
    const med = run([alert('m', 'medium', 'active', '2026-01-01T08:10:00.000Z')], T0, T0 + 61_000, 1_000);
    expect(med.map((p) => p.at)).toEqual([0, MEDIUM_RERAISED_REPEAT_MS]);
    expect(med[0]?.loudness).toBe('loud');
  });

  it('a re-raise of an already sounding alert is a new call: it plays as soon as the burst ends', () => {
    let d = decideAlarm([alert('a', 'high')], T0, 0, EMPTY_MEMORY);
    const reraised = [alert('a', 'high', 'active', '2026-01-01T08:10:00.000Z')];
    // The 10-pulse burst lasts 3.5 s; bursts never overlap.
    d = decideAlarm(reraised, T0 + 500, 0, d.memory);
    expect(d.play).toBeNull();
    d = decideAlarm(reraised, T0 + 3_500, 0, d.memory);
    expect(d.play).toEqual({ priority: 'high', loudness: 'loud' });
  });

  it('a second medium call during a medium burst waits for it to end', () => {
    let d = decideAlarm([alert('m', 'medium')], T0, 0, EMPTY_MEMORY);
    d = decideAlarm([alert('m', 'medium'), alert('n', 'medium')], T0 + 500, 0, d.memory);
    expect(d.play).toBeNull();
    d = decideAlarm([alert('m', 'medium'), alert('n', 'medium')], T0 + 1_000, 0, d.memory);
    expect(d.play?.priority).toBe('medium');
  });

  it('mute silences until it expires, then the alarm resumes', () => {
    const heard = decideAlarm([alert('a', 'high')], T0, 0, EMPTY_MEMORY);
    let memory = heard.memory;
    let mutedUntil = T0 + 120_000;
    const plays: number[] = [];
    for (let t = T0 + 1_000; t <= T0 + 130_000; t += 1_000) {
      const d = decideAlarm([alert('a', 'high')], t, mutedUntil, memory);
      if (t < T0 + 120_000) expect(d.sounding).toBe('high');
      memory = d.memory;
      mutedUntil = d.mutedUntil;
      if (d.play) plays.push(t - T0);
    }
    expect(plays[0]).toBe(120_000);
  });

  it('a new high call ends the mute; a new medium waits for it', () => {
    let d = decideAlarm([alert('a', 'high')], T0, 0, EMPTY_MEMORY);
    const mutedUntil = T0 + 120_000;
    d = decideAlarm([alert('a', 'high'), alert('m', 'medium')], T0 + 1_000, mutedUntil, d.memory);
    expect(d.play).toBeNull();
    expect(d.mutedUntil).toBe(mutedUntil);
    d = decideAlarm([alert('a', 'high'), alert('b', 'high')], T0 + 4_000, mutedUntil, d.memory);
    expect(d.play?.priority).toBe('high');
    expect(d.mutedUntil).toBe(0);
  });

  it('forgets calls that are no longer active', () => {
    const d = decideAlarm([alert('a', 'high')], T0, 0, EMPTY_MEMORY);
    expect(decideAlarm([], T0 + 1, 0, d.memory).memory.played.size).toBe(0);
  });
});
