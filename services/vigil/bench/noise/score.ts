import type { Alert } from '@vigil/contracts';
import { type Episode, GRACE_MS } from './episodes.ts';
import type { DayRun, Signal } from './run-day.ts';
import { EPISODE_CLASSES, type EpisodeClass } from './templates.ts';

/** clinical.md "Alarm timing that must hold": a critical condition alerts within 10 s. */
export const CRITICAL_DELAY_S = 10;
/** Sustained means at least this long at depth: borderline and sparse episodes this long must be caught. */
export const SUSTAINED_MS = 5 * 60_000;
/** docs/clinical-rules.md "Measured noise" (2026-11-23): false clinical alerts per resident-day. */
export const PUBLISHED_FALSE_PER_RESIDENT_DAY = 0.58;

const TECHNICAL = (k: Alert['kind']) => k.startsWith('device.');
const isChime = (s: Signal) => s.how !== 'priority';

export interface Delays {
  median: number;
  p90: number;
  max: number;
}

export interface ClassScore {
  cls: EpisodeClass;
  episodes: number;
  caught: number;
  missed: string[];
  /** Critical: seconds of device time from the first critical reading. Others: minutes from the start. */
  unit: 's' | 'min';
  delay: Delays;
  /** Critical episodes whose data never reached the critical range (timed from the hold instead). */
  notes: string[];
}

export interface Targets {
  critical: { met: boolean; of: number; missed: number; late: number; worstS: number };
  sustained: { met: boolean; of: number; missed: number };
  falseClinical: { met: boolean; perResidentDay: number; published: number };
}

export interface Score {
  classes: ClassScore[];
  perResidentDay: { all: number; clinical: number; falseClinical: number; technical: number };
  falseAlarmShare: number;
  updates: number;
  byKind: Record<string, number>;
  /** False clinical alerts by kind: where the remaining noise comes from. */
  falseByKind: Record<string, number>;
  targets: Targets;
}

export type ScoredRun = Pick<DayRun, 'onsetMs' | 'signals' | 'updates'> & { plan: { episodes: Episode[] } };

const residentOf = (a: Alert) => (a.residentId ? Number(a.residentId.slice(1)) - 1 : -1);
const label = (e: Episode) => `${e.kind} (r${e.resident + 1})`;
const within = (e: Episode, atMs: number) => atMs >= e.startMs && atMs <= e.endMs + GRACE_MS;

/** Nearest-rank percentiles of delays, one decimal; NaN when nothing was caught. */
export function delays(values: number[]): Delays {
  const v = [...values].sort((a, b) => a - b);
  const q = (p: number) => (v.length ? (v[Math.max(0, Math.ceil(p * v.length) - 1)] as number) : Number.NaN);
  return { median: round1(q(0.5)), p90: round1(q(0.9)), max: round1(v.at(-1) ?? Number.NaN) };
}

/**
 * When a nurse first heard of the episode. Critical: the first `high` alert of one of its kinds, timed
 * from its first critical reading (device time). Others: the first chime of one of its kinds, timed
 * from the start of the change.
 */
function judge(e: Episode, run: ScoredRun): { delay?: number; why?: string; note?: string } {
  const ours = run.signals.filter(
    (s) => residentOf(s.alert) === e.resident && e.caughtBy.includes(s.alert.kind) && within(e, s.atMs),
  );
  if (e.cls !== 'critical') {
    const hit = ours.find(isChime);
    return hit ? { delay: (hit.atMs - e.startMs) / 60_000 } : {};
  }
  const onset = run.onsetMs[e.id];
  const from = onset ?? e.startMs + e.rampMs;
  const note = onset === undefined ? `${label(e)}: no reading in the critical range` : undefined;
  const hit = ours.find((s) => s.alert.priority === 'high');
  if (!hit) return { why: ours.length ? 'not high' : 'no alert', ...(note && { note }) };
  return { delay: Math.max(0, hit.atMs - from) / 1000, ...(note && { note }) };
}

export function score(run: ScoredRun, residents: number): Score {
  const classes: ClassScore[] = [];
  const caughtIds = new Set<number>();
  let late = 0;
  let worstS = 0;
  for (const cls of EPISODE_CLASSES) {
    const eps = run.plan.episodes.filter((e) => e.cls === cls);
    const ds: number[] = [];
    const missed: string[] = [];
    const notes: string[] = [];
    for (const e of eps) {
      const j = judge(e, run);
      if (j.note) notes.push(j.note);
      if (j.delay === undefined) {
        missed.push(j.why ? `${label(e)}: ${j.why}` : label(e));
        continue;
      }
      ds.push(j.delay);
      caughtIds.add(e.id);
      if (cls === 'critical') {
        worstS = Math.max(worstS, j.delay);
        if (j.delay > CRITICAL_DELAY_S) late++;
      }
    }
    const unit = cls === 'critical' ? 's' : 'min';
    classes.push({ cls, episodes: eps.length, caught: ds.length, missed, unit, delay: delays(ds), notes });
  }
  const critical = run.plan.episodes.filter((e) => e.cls === 'critical');
  const criticalMissed = critical.filter((e) => !caughtIds.has(e.id)).length;
  const mustCatch = run.plan.episodes.filter(
    (e) => (e.cls === 'borderline' || e.cls === 'sparse') && e.holdMs >= SUSTAINED_MS,
  );
  const sustainedMissed = mustCatch.filter((e) => !caughtIds.has(e.id)).length;

  const chimes = run.signals.filter(isChime);
  const clinical = chimes.filter((s) => !TECHNICAL(s.alert.kind));
  const falseClinical = clinical.filter(
    (s) => !run.plan.episodes.some((e) => e.resident === residentOf(s.alert) && within(e, s.atMs)),
  );
  const count = (ss: Signal[]) => {
    const out: Record<string, number> = {};
    for (const s of ss) out[s.alert.kind] = (out[s.alert.kind] ?? 0) + 1;
    return out;
  };
  const per = (n: number) => Math.round((n / residents) * 100) / 100;
  const falsePerDay = per(falseClinical.length);
  return {
    classes,
    perResidentDay: {
      all: per(chimes.length),
      clinical: per(clinical.length),
      falseClinical: falsePerDay,
      technical: per(chimes.length - clinical.length),
    },
    falseAlarmShare: clinical.length ? Math.round((falseClinical.length / clinical.length) * 1000) / 10 : 0,
    updates: run.updates,
    byKind: count(chimes),
    falseByKind: count(falseClinical),
    targets: {
      critical: {
        met: criticalMissed === 0 && late === 0,
        of: critical.length,
        missed: criticalMissed,
        late,
        worstS: round1(worstS),
      },
      sustained: { met: sustainedMissed === 0, of: mustCatch.length, missed: sustainedMissed },
      falseClinical: {
        met: falsePerDay <= PUBLISHED_FALSE_PER_RESIDENT_DAY,
        perResidentDay: falsePerDay,
        published: PUBLISHED_FALSE_PER_RESIDENT_DAY,
      },
    },
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;
