import type { Alert } from '@vigil/contracts';
import type { DayRun } from './run-day.ts';

/** After an episode ends, an alert this late still counts as catching it (and as true). */
const GRACE_MS = 15 * 60_000;

const TECHNICAL = (k: Alert['kind']) => k.startsWith('device.');

export interface Score {
  episodes: number;
  caught: number;
  missed: string[];
  timeToAlertMin: { median: number; p90: number; max: number };
  perResidentDay: { all: number; clinical: number; falseClinical: number; technical: number };
  falseAlarmShare: number;
  updates: number;
  byKind: Record<string, number>;
  /** False clinical alerts by kind: where the remaining noise comes from. */
  falseByKind: Record<string, number>;
  /** Median minutes from episode start to its first alert, per episode type. */
  delayByType: Record<string, number>;
}

export function score(run: DayRun, residents: number): Score {
  const residentOf = (a: Alert) => (a.residentId ? Number(a.residentId.slice(1)) - 1 : -1);
  const delays: number[] = [];
  const missed: string[] = [];
  const byType: Record<string, number[]> = {};
  for (const e of run.episodes) {
    const hit = run.notifications.find(
      (n) =>
        residentOf(n.alert) === e.resident &&
        e.caughtBy.includes(n.alert.kind) &&
        n.atMs >= e.startMs &&
        n.atMs <= e.endMs + GRACE_MS,
    );
    if (hit) {
      delays.push((hit.atMs - e.startMs) / 60_000);
      byType[e.type] = [...(byType[e.type] ?? []), (hit.atMs - e.startMs) / 60_000];
    } else missed.push(`${e.type} (resident ${e.resident + 1})`);
  }
  const clinical = run.notifications.filter((n) => !TECHNICAL(n.alert.kind));
  const falseClinical = clinical.filter(
    (n) =>
      !run.episodes.some(
        (e) => e.resident === residentOf(n.alert) && n.atMs >= e.startMs && n.atMs <= e.endMs + GRACE_MS,
      ),
  );
  const falseByKind: Record<string, number> = {};
  for (const n of falseClinical) falseByKind[n.alert.kind] = (falseByKind[n.alert.kind] ?? 0) + 1;
  const delayByType: Record<string, number> = {};
  for (const [type, ds] of Object.entries(byType))
    delayByType[type] = round1(ds.sort((a, b) => a - b)[Math.floor((ds.length - 1) / 2)] as number);
  const byKind: Record<string, number> = {};
  for (const n of run.notifications) byKind[n.alert.kind] = (byKind[n.alert.kind] ?? 0) + 1;
  delays.sort((a, b) => a - b);
  const q = (p: number) =>
    delays.length ? (delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] as number) : Number.NaN;
  const per = (n: number) => Math.round((n / residents) * 100) / 100;
  return {
    episodes: run.episodes.length,
    caught: delays.length,
    missed,
    timeToAlertMin: { median: round1(q(0.5)), p90: round1(q(0.9)), max: round1(delays.at(-1) ?? Number.NaN) },
    perResidentDay: {
      all: per(run.notifications.length),
      clinical: per(clinical.length),
      falseClinical: per(falseClinical.length),
      technical: per(run.notifications.length - clinical.length),
    },
    falseAlarmShare: clinical.length ? Math.round((falseClinical.length / clinical.length) * 1000) / 10 : 0,
    updates: run.updates,
    byKind,
    falseByKind,
    delayByType,
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;
