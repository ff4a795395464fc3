import { signal } from '@preact/signals';
import { BURSTS, type BurstPriority, burstSchedule, EDGE_FRACTION, HARMONIC_AMPLITUDES } from './burst.ts';
import type { Loudness } from './policy.ts';

/**
 * The Web Audio part, kept thin: it plays the schedules of burst.ts and knows nothing of alerts.
 * One AudioContext per page, created (or resumed) from a user gesture: browsers start it suspended
 * otherwise, and the board then shows a "click to enable alarm sound" banner.
 */
export type AudioState = AudioContextState | 'none' | 'unsupported';
export const audioState = signal<AudioState>('none');

// A re-raised call is louder (contract §3.1); medium is quieter than high (IEC 60601-1-8 priorities).
const GAIN: Record<BurstPriority, Record<Loudness, number>> = {
  high: { normal: 0.5, loud: 0.9 },
  medium: { normal: 0.25, loud: 0.45 },
};

interface Burst {
  priority: BurstPriority;
  loudness: Loudness;
  pulses: number;
  /** AudioContext time the burst was scheduled at, seconds. */
  at: number;
}

/** Read by the browser test and by anyone debugging a silent ward tablet from the console. */
interface AlarmProbe {
  readonly state: AudioState;
  readonly bursts: readonly Burst[];
  /** Pulses scheduled and not yet ended or stopped. */
  readonly playing: number;
  /** Peak amplitude of what leaves the master gain right now (0 when silent). */
  level(): number;
  readonly context: AudioContext | null;
}

let ctx: AudioContext | null = null;
let master: GainNode | null = null;
let analyser: AnalyserNode | null = null;
const waves = new Map<BurstPriority, PeriodicWave>();
const live = new Set<OscillatorNode>();
/** One gain per burst: fading it silences the burst at once, whatever its oscillators are scheduled to do. */
const burstGains = new Set<GainNode>();
const bursts: Burst[] = [];

function context(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = globalThis.AudioContext;
  if (!Ctor) {
    audioState.value = 'unsupported';
    return null;
  }
  ctx = new Ctor();
  master = ctx.createGain();
  analyser = ctx.createAnalyser();
  analyser.fftSize = 2048;
  master.connect(analyser).connect(ctx.destination);
  const c = ctx;
  c.addEventListener('statechange', () => {
    audioState.value = c.state;
  });
  audioState.value = c.state;
  return c;
}

/** From a click or key press (the login counts): creates or resumes the context. */
export function unlockAudio(): void {
  const c = context();
  if (c && c.state === 'suspended') void c.resume().catch(() => undefined);
}

/** Creates the context without a gesture, so the board can tell whether sound is possible. */
export function prepareAudio(): void {
  context();
}

/** A fundamental with harmonics 2–5 (IEC 60601-1-8 pulse frequency content). */
function wave(c: AudioContext, priority: BurstPriority): PeriodicWave {
  const cached = waves.get(priority);
  if (cached) return cached;
  const imag = new Float32Array([0, ...HARMONIC_AMPLITUDES]);
  const w = c.createPeriodicWave(new Float32Array(imag.length), imag);
  waves.set(priority, w);
  return w;
}

export function playBurst(priority: BurstPriority, loudness: Loudness): void {
  const c = context();
  if (!c || !master || c.state !== 'running') return;
  const t0 = c.currentTime + 0.02;
  const peak = GAIN[priority][loudness];
  const pulses = burstSchedule(priority);
  const out = c.createGain();
  out.connect(master);
  burstGains.add(out);
  let remaining = pulses.length;
  for (const p of pulses) {
    const osc = c.createOscillator();
    osc.setPeriodicWave(wave(c, priority));
    osc.frequency.value = BURSTS[priority].fundamentalHz;
    const env = c.createGain();
    const start = t0 + p.start;
    const edge = p.duration * EDGE_FRACTION;
    env.gain.setValueAtTime(0, start);
    env.gain.linearRampToValueAtTime(peak, start + edge);
    env.gain.setValueAtTime(peak, start + p.duration - edge);
    env.gain.linearRampToValueAtTime(0, start + p.duration);
    osc.connect(env).connect(out);
    osc.addEventListener('ended', () => {
      live.delete(osc);
      env.disconnect();
      if (--remaining === 0) {
        out.disconnect();
        burstGains.delete(out);
      }
    });
    live.add(osc);
    osc.start(start);
    osc.stop(start + p.duration);
  }
  bursts.push({ priority, loudness, pulses: pulses.length, at: t0 });
  if (bursts.length > 20) bursts.shift();
}

/** How fast a stopped burst fades: fast enough to be "at once", slow enough not to click. */
const CUT_S = 0.01;

/**
 * Cuts every scheduled pulse at once: acknowledged, muted, or signed out. The burst's gain is ramped to
 * zero rather than disconnected, so the graph (and the analyser the probe reads) hears true silence.
 */
export function stopAudio(): void {
  if (!ctx) return;
  const t = ctx.currentTime;
  for (const g of burstGains) {
    g.gain.cancelScheduledValues(t);
    g.gain.setValueAtTime(g.gain.value, t);
    g.gain.linearRampToValueAtTime(0, t + CUT_S);
  }
  burstGains.clear();
  for (const osc of live) {
    try {
      osc.stop(t + 2 * CUT_S);
    } catch {
      // An engine that refuses a second stop(): the faded gain keeps it silent until its own stop time.
    }
  }
  live.clear();
}

function level(): number {
  if (!analyser) return 0;
  const buf = new Float32Array(analyser.fftSize);
  analyser.getFloatTimeDomainData(buf);
  let peak = 0;
  for (const v of buf) peak = Math.max(peak, Math.abs(v));
  return peak;
}

const probe: AlarmProbe = {
  get state() {
    return audioState.value;
  },
  get bursts() {
    return bursts;
  },
  get playing() {
    return live.size;
  },
  level,
  get context() {
    return ctx;
  },
};
(globalThis as { __vigilAlarm?: AlarmProbe }).__vigilAlarm = probe;
