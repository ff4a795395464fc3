import type { AlertKind } from '@vigil/contracts';
import type { ResidentModel, Rng } from '@vigil/simulator';
import type { CriticalTest } from './clinical-truth.ts';
import {
  DEPTH_SD,
  type EpisodeClass,
  PLAN,
  type Range,
  type Steered,
  TEMPLATES,
  type Template,
  type TemplateName,
} from './templates.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** After an episode ends, an alert this late still counts as catching it (and as true). */
export const GRACE_MS = 15 * MIN;
/** Free time around each episode of a resident, so one episode's alerts never land in another's. */
const PAD_MS = 45 * MIN;

export interface Interval {
  from: number;
  to: number;
}

/** A true episode injected into one resident's physiology, with every parameter drawn. */
export interface Episode {
  id: number;
  resident: number;
  template: TemplateName;
  cls: EpisodeClass;
  kind: string;
  /** Start of the change (ramp start) and end of recovery, device time. */
  startMs: number;
  rampMs: number;
  holdMs: number;
  endMs: number;
  /** Any of these alert kinds raised in [start, end + grace] counts as caught. */
  caughtBy: readonly AlertKind[];
  depth: Partial<Record<Steered, number>>;
  shift: Partial<Record<Steered, number>>;
  immobile: boolean;
  /** Chance per reading in the hold that `vital` reads back in range (one in 5–6). */
  interrupt?: { vital: 'hr' | 'spo2' | 'rr'; inRange: Range; chance: number };
  critical?: CriticalTest;
}

export interface DayPlan {
  /** Residents whose wristband reports only every 3–5 min. */
  sparse: number[];
  /** Per resident: a shower and a charge, the band off the wrist reporting junk. */
  offWrist: Interval[][];
  /** Per resident, sorted: cuff readings (routine rounds and spot checks during episodes). */
  cuffAtMs: number[][];
  episodes: Episode[];
  /** Episodes no suitable resident had free time for (a small facility). */
  unplaced: TemplateName[];
}

export interface PlanOptions {
  residents: number;
  sparse: number;
  /** Local midnight (facility time) the day starts at. */
  dayStartMs: number;
  plan?: Readonly<Partial<Record<TemplateName, number>>>;
}

/** Routine observation rounds with a cuff (local hours), each ± 20 min. */
const CUFF_ROUNDS_H = [7, 12, 18];

/**
 * The day of a facility: who has a sparse wristband, when bands are off the wrist, when cuffs are
 * used, and the episodes, each on a resident with free time (sparse-class episodes on the sparse
 * residents, every other class on the rest). Pure and seeded.
 */
export function planDay(rng: Rng, o: PlanOptions): DayPlan {
  const day = (h: number) => o.dayStartMs + h * HOUR;
  const order = Array.from({ length: o.residents }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const sparse = order.slice(0, Math.min(o.sparse, o.residents));
  const offWrist = order.map(() =>
    [rng.float(7, 9), rng.float(19, 21)].map((h) => ({ from: day(h), to: day(h) + rng.float(15, 45) * MIN })),
  );
  const cuffAtMs = order.map(() => CUFF_ROUNDS_H.map((h) => day(h) + rng.float(-20, 20) * MIN));
  const busy: Interval[][] = offWrist.map((ps) => ps.map((p) => ({ from: p.from - 15 * MIN, to: p.to + 15 * MIN })));
  const episodes: Episode[] = [];
  const unplaced: TemplateName[] = [];
  const names = (Object.entries(o.plan ?? PLAN) as [TemplateName, number][]).flatMap(([n, k]) =>
    Array.from({ length: k }, () => n),
  );
  // Longest first, so the long ones still find room.
  const longest = (n: TemplateName) => TEMPLATES[n].holdMin[1] * MIN + 2 * TEMPLATES[n].rampS[1] * 1000;
  names.sort((a, b) => longest(b) - longest(a));
  const within = (r: Range) => rng.float(r[0], r[1]);
  for (const name of names) {
    const t: Template = TEMPLATES[name];
    const candidates = order
      .filter((r) => sparse.includes(r) === (t.cls === 'sparse'))
      .map((r) => ({ r, load: episodes.filter((e) => e.resident === r).length, key: rng.next() }))
      .sort((a, b) => a.load - b.load || a.key - b.key);
    const rampMs = within(t.rampS) * 1000;
    const holdMs = within(t.holdMin) * MIN;
    const lengthMs = 2 * rampMs + holdMs;
    let placed: { resident: number; startMs: number } | undefined;
    for (const { r } of candidates) {
      for (let attempt = 0; attempt < 12 && !placed; attempt++) {
        const startMs = day(within(t.hours));
        const slot = { from: startMs - PAD_MS, to: startMs + lengthMs + GRACE_MS + PAD_MS };
        const free = (busy[r] ?? []).every((b) => b.to <= slot.from || b.from >= slot.to);
        if (free && startMs + lengthMs + GRACE_MS <= day(24)) placed = { resident: r, startMs };
      }
      if (placed) break;
    }
    if (!placed) {
      unplaced.push(name);
      continue;
    }
    const { resident, startMs } = placed;
    busy[resident]?.push({ from: startMs, to: startMs + lengthMs + GRACE_MS });
    const draw = (ranges: Partial<Record<Steered, Range>> = {}) =>
      Object.fromEntries(Object.entries(ranges).map(([v, r]) => [v, within(r)]));
    const holdStart = startMs + rampMs;
    for (const r of t.spotChecksMin ?? []) cuffAtMs[resident]?.push(holdStart + within(r) * MIN);
    if (t.recheckAfterMin) cuffAtMs[resident]?.push(startMs + lengthMs + within(t.recheckAfterMin) * MIN);
    episodes.push({
      id: episodes.length,
      resident,
      template: name,
      cls: t.cls,
      kind: t.kind,
      startMs,
      rampMs,
      holdMs,
      endMs: startMs + lengthMs,
      caughtBy: t.caughtBy,
      depth: draw(t.depth),
      shift: draw(t.shift),
      immobile: t.immobile === true,
      ...(t.interrupt && {
        interrupt: { vital: t.interrupt.vital, inRange: t.interrupt.inRange, chance: 1 / within(t.interrupt.oneIn) },
      }),
      ...(t.critical && { critical: t.critical }),
    });
  }
  for (const c of cuffAtMs) c.sort((a, b) => a - b);
  episodes.sort((a, b) => a.startMs - b.startMs);
  return { sparse, offWrist, cuffAtMs, episodes, unplaced };
}

const smooth = (x: number) => x * x * (3 - 2 * x);

/** 0 → 1 over the ramp, 1 in the hold, back to 0 over a recovery as long as the ramp. */
export function episodeLevel(e: Episode, atMs: number): number {
  if (atMs < e.startMs || atMs >= e.endMs) return 0;
  const into = atMs - e.startMs;
  if (into < e.rampMs) return smooth(into / e.rampMs);
  if (into < e.rampMs + e.holdMs) return 1;
  return e.rampMs === 0 ? 0 : 1 - smooth((into - e.rampMs - e.holdMs) / e.rampMs);
}

/** Shifts the resident's own values (relative changes) at `level`, before the model measures them. */
export function steer(model: ResidentModel, e: Episode, level: number): void {
  if (level <= 0) return;
  for (const [v, delta] of Object.entries(e.shift) as [Steered, number][]) model.offsets[v] += level * delta;
  if (e.immobile) model.immobile = true;
}

/**
 * Takes a measured reading to the episode's depth at `level`: each depth vital the reading carries
 * moves from the resident's own value to the drawn depth plus its variability at depth, and in the
 * hold an interrupted episode's vital reads back in range now and then.
 */
export function shape(reading: Partial<Record<Steered, number>>, e: Episode, level: number, rng: Rng): void {
  if (level <= 0) return;
  for (const [v, depth] of Object.entries(e.depth) as [Steered, number][]) {
    const own = reading[v];
    if (own === undefined) continue;
    const value = own + level * (depth + rng.gaussian(0, DEPTH_SD[v]) - own);
    reading[v] = v === 'temp' ? Math.round(value * 10) / 10 : Math.round(value);
  }
  const x = e.interrupt;
  if (x && level === 1 && reading[x.vital] !== undefined && rng.chance(x.chance))
    reading[x.vital] = rng.int(x.inRange[0], x.inRange[1]);
}
