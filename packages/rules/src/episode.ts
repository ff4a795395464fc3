/**
 * One condition of one subject ("SpO2 low for resident r1") judged over the readings that exist,
 * in device-time order (clinical.md "Alarm timing that must hold"). Pure: `advanceEpisode` mutates
 * only the state it is given, which the caller owns (see persistence.ts for order and copies).
 *
 * Each reading is a point: the tier its value reaches (0 none, 1 alert limit → medium, 2 high-tier
 * limit → high, 3 critical limit → high by the fast path) and whether it is back beyond the clear
 * threshold (hysteresis). A condition reaches a tier by one of four paths (`EpisodePath`):
 *
 * - `sustained`: the condition was first seen at least `forMs` ago and most readings of the last
 *   `forMs` are past the limit (≥ `fraction`, e.g. 80 %), so one in-range reading does not restart
 *   the window.
 * - `confirmed`: spot readings (a cuff), or a stream so sparse that the window holds one reading:
 *   the previous reading, however long ago (up to the parameter's freshness), confirms it when it
 *   was past the limit too.
 * - `critical_stream`: readings past the critical limit for `confirmMs` (a few plausible readings).
 * - `critical_spot`: one spot reading past the critical limit raises at once.
 *
 * Readings further apart than `freshMs` (the parameter's freshness window) confirm nothing: the
 * window starts afresh. A `gap` point (an unworn device measuring air) does the same.
 */

export type Tier = 0 | 1 | 2 | 3;
export type EpisodePath = 'sustained' | 'confirmed' | 'critical_stream' | 'critical_spot';

export interface TrackPoint {
  ts: number;
  tier: Tier;
  /** Beyond the clear threshold (limit ∓ margin). */
  clear: boolean;
  /** Not an observation of the condition at all (device not worn): breaks every window, clears nothing. */
  gap?: boolean;
  /** A spot reading (a spot-check device, or a stream's first reading after a gap): past the critical limit it raises at once. */
  spot?: boolean;
}

export interface PersistenceSpec {
  /** Tiers 1 and 2: the window whose readings must mostly be past the limit; 0 = one reading suffices. */
  forMs: number;
  /** The clear condition must hold this long (every reading clear) before the episode ends. */
  clearForMs: number;
  /** Readings further apart than this confirm nothing: the parameter's freshness window. */
  freshMs: number;
  /** Share of the window's readings that must be past the limit. */
  fraction: number;
  /** Tier 3 on a stream: readings past the critical limit for this long; 0 = at once. */
  confirmMs: number;
  /** `spot`: tiers 1 and 2 are confirmed by the next reading, not by a window (a cuff, a thermometer). */
  readings: 'stream' | 'spot';
}

/** A spec for conditions judged as an unbroken run: technical and facility conditions. */
export const runSpec = (forMs: number, clearForMs: number, gapMs: number): PersistenceSpec => ({
  forMs,
  clearForMs,
  freshMs: gapMs,
  fraction: 1,
  confirmMs: 0,
  readings: 'stream',
});

/**
 * A run of readings of one tier within the window: [first ts, last ts, count, count ≥ tier 1,
 * count ≥ tier 2, tier]. A steady condition (or a steady absence of one) is one slice however long
 * it lasts; the slice the window's start cuts through counts in proportion to the part inside.
 */
export type Bucket = [t0: number, t1: number, n: number, n1: number, n2: number, tier: Tier];

/** Tiers alternating reading by reading: past this many slices, the newest merge whatever their tier. */
export const MAX_SLICES = 32;

export interface EpisodeState {
  lastTs?: number;
  /** Readings of the last `forMs`, oldest slice first. */
  window: Bucket[];
  /** The latest reading: the next one may confirm it. */
  lastReading?: { ts: number; tier: Tier };
  /** The current run of readings past the critical limit: start, readings, of which critical. */
  crit?: { since: number; n: number; a: number };
  /** Start of the current unbroken run of clear readings. */
  clearRun?: number;
  /** The episode's tier: 0 = no episode. Rises with the condition, never falls until it clears. */
  tier: Tier;
  /** How the current tier was reached. */
  path?: EpisodePath;
  /** Readings behind the last rise: past the limit, in all, over how long. */
  evidence?: { abnormal: number; readings: number; spanMs: number };
  /** Device time the episode's condition began (the first reading past the limit that counted). */
  onset?: number;
  /** Device time the episode's current tier was reached. */
  tierSince?: number;
  /** Whether the latest observation meets the alert tier. */
  holds: boolean;
  /** Device time the last episode cleared. */
  clearedAt?: number;
}

export const newEpisode = (): EpisodeState => ({ window: [], tier: 0, holds: false });

/** A copy the caller may advance without touching the original (buckets are replaced, never edited). */
export const copyEpisode = (s: EpisodeState): EpisodeState => ({ ...s, window: [...s.window] });

/** One observation, in device-time order; mutates `s`. */
export function advanceEpisode(s: EpisodeState, p: TrackPoint, spec: PersistenceSpec): void {
  if (p.gap || (s.lastTs !== undefined && p.ts - s.lastTs > spec.freshMs)) {
    s.window = [];
    s.lastReading = undefined;
    s.crit = undefined;
    s.clearRun = undefined;
  }
  s.lastTs = p.ts;
  if (p.gap) return;
  addToWindow(s, p, spec.forMs);
  s.clearRun = p.clear ? (s.clearRun ?? p.ts) : undefined;
  s.holds = p.tier >= 1;

  const prev = s.lastReading;
  s.lastReading = { ts: p.ts, tier: p.tier };
  const rise = criticalRise(s, p, spec) ?? windowRise(s, p, prev, spec, 2) ?? windowRise(s, p, prev, spec, 1);
  if (rise && rise.tier > s.tier) {
    if (s.tier === 0) s.onset = rise.onset;
    s.tier = rise.tier;
    s.tierSince = p.ts;
    s.path = rise.path;
    s.evidence = rise.evidence;
  } else if (s.tier > 0 && s.clearRun !== undefined && p.ts - s.clearRun >= spec.clearForMs) {
    s.tier = 0;
    s.clearedAt = p.ts;
    s.onset = undefined;
    s.tierSince = undefined;
    s.path = undefined;
    s.evidence = undefined;
  }
}

interface Rise {
  tier: Tier;
  path: EpisodePath;
  onset: number;
  evidence: NonNullable<EpisodeState['evidence']>;
}

/** Tier 3: a spot reading at once, a stream once `confirmMs` of it is mostly past the critical limit. */
function criticalRise(s: EpisodeState, p: TrackPoint, spec: PersistenceSpec): Rise | undefined {
  if (p.tier < 3) {
    if (s.crit) {
      s.crit = { ...s.crit, n: s.crit.n + 1 };
      if (s.crit.a / s.crit.n < spec.fraction) s.crit = undefined;
    }
    return undefined;
  }
  const c = s.crit ? { ...s.crit, n: s.crit.n + 1, a: s.crit.a + 1 } : { since: p.ts, n: 1, a: 1 };
  s.crit = c;
  if (p.spot || spec.confirmMs === 0)
    return { tier: 3, path: 'critical_spot', onset: p.ts, evidence: { abnormal: 1, readings: 1, spanMs: 0 } };
  if (c.a >= 2 && p.ts - c.since >= spec.confirmMs && c.a / c.n >= spec.fraction)
    return {
      tier: 3,
      path: 'critical_stream',
      onset: c.since,
      evidence: { abnormal: c.a, readings: c.n, spanMs: p.ts - c.since },
    };
  return undefined;
}

/**
 * Tiers 1 and 2: the latest reading is past the limit and so are most of the window's readings,
 * seen for the whole window; a spot reading, or a lone reading in its window (sparse data), is
 * confirmed by the reading before it.
 */
function windowRise(
  s: EpisodeState,
  p: TrackPoint,
  prev: EpisodeState['lastReading'],
  spec: PersistenceSpec,
  tier: 1 | 2,
): Rise | undefined {
  if (p.tier < tier) return undefined;
  if (spec.forMs === 0)
    return { tier, path: 'sustained', onset: p.ts, evidence: { abnormal: 1, readings: 1, spanMs: 0 } };
  const start = p.ts - spec.forMs;
  let n = 0;
  let a = 0;
  let onset: number | undefined;
  for (const b of s.window) {
    // The part of a slice inside the window, assuming its readings spread evenly over it.
    const share = b[0] >= start || b[1] === b[0] ? 1 : (b[1] - start) / (b[1] - b[0]);
    n += b[2] * share;
    const past = tier === 1 ? b[3] : b[4];
    a += past * share;
    if (onset === undefined && past > 0) onset = b[0];
  }
  n = Math.round(n * 1000) / 1000;
  a = Math.round(a * 1000) / 1000;
  // The window holds this reading alone when the one before lies beyond its start (sparse data).
  if (spec.readings === 'spot' || prev === undefined || prev.ts < start) {
    // However late the next reading came (within freshness: older ones were forgotten), it confirms.
    if (!prev || prev.tier < tier) return undefined;
    return { tier, path: 'confirmed', onset: prev.ts, evidence: { abnormal: 2, readings: 2, spanMs: p.ts - prev.ts } };
  }
  const since = onset ?? p.ts;
  if (a < 2 || a / n < spec.fraction || p.ts - since < spec.forMs) return undefined;
  return {
    tier,
    path: 'sustained',
    onset: since,
    evidence: { abnormal: Math.round(a), readings: Math.round(n), spanMs: p.ts - since },
  };
}

/** Adds the reading to the newest slice of its tier (or a new one) and drops slices that left the window. */
function addToWindow(s: EpisodeState, p: TrackPoint, forMs: number): void {
  const w = s.window;
  const last = w.at(-1);
  const n1 = p.tier >= 1 ? 1 : 0;
  const n2 = p.tier >= 2 ? 1 : 0;
  if (last && (last[5] === p.tier || w.length >= MAX_SLICES)) {
    w[w.length - 1] = [last[0], p.ts, last[2] + 1, last[3] + n1, last[4] + n2, p.tier];
  } else {
    w.push([p.ts, p.ts, 1, n1, n2, p.tier]);
  }
  const start = p.ts - forMs;
  while (w.length > 1 && (w[0] as Bucket)[1] < start) w.shift();
}
