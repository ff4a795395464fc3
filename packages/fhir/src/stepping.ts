import type { VitalKey } from '@vigil/contracts';

/** A history point as the vitals history returns it (device time, epoch ms). */
export interface HistoryPoint extends Partial<Record<VitalKey, number | undefined>> {
  ts: number;
  consciousness?: string | undefined;
  onOxygen?: boolean | undefined;
}

/** What one step of the export holds: per vital the last reading in it (contract §4.4). */
export interface Step {
  /** Index from the window's start: step k covers [from + k·step, from + (k+1)·step). */
  index: number;
  /** The last reading of each single vital in this step. */
  last: Partial<Record<'hr' | 'spo2' | 'rr' | 'temp', { v: number; ts: number }>>;
  /** The step's blood pressure: its last systolic reading with the diastolic measured with it. */
  bp?: { sbp?: number; dbp?: number; ts: number };
  /** Every point of the step in time order (NEWS2 also reads consciousness and oxygen from them). */
  points: HistoryPoint[];
}

const SINGLE = ['hr', 'spo2', 'rr', 'temp'] as const;

/**
 * Points in [from, to] grouped into steps, at most one reading per vital per step, the last
 * (contract §4.4 "?step"). Points must be in time order, as the history returns them; steps with no
 * reading are left out.
 */
export function toSteps(points: readonly HistoryPoint[], from: number, to: number, stepMs: number): Step[] {
  const steps: Step[] = [];
  let current: Step | undefined;
  for (const p of points) {
    if (p.ts < from || p.ts > to) continue;
    const index = Math.floor((p.ts - from) / stepMs);
    if (current?.index !== index) {
      current = { index, last: {}, points: [] };
      steps.push(current);
    }
    current.points.push(p);
    for (const k of SINGLE) {
      const v = p[k];
      if (v !== undefined) current.last[k] = { v, ts: p.ts };
    }
    // The last systolic reading (NEWS2 scores it), with the diastolic taken with it; a diastolic
    // alone only where the step has no systolic at all.
    if (p.sbp !== undefined) current.bp = { ts: p.ts, sbp: p.sbp, ...(p.dbp !== undefined && { dbp: p.dbp }) };
    else if (p.dbp !== undefined && current.bp?.sbp === undefined) current.bp = { ts: p.ts, dbp: p.dbp };
  }
  return steps;
}
