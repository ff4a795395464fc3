import { signal } from '@preact/signals';
import type { ReportUpdatedData } from '@vigil/contracts';

/**
 * The latest risk change pushed for each resident (`report.updated`, contract §2, §4.4), with a
 * counter so the consult open for that resident reloads its report even when two changes carry the
 * same levels. Kept for the board's lifetime: a consult opened later still shows the last change.
 */
export interface PushedReport {
  data: ReportUpdatedData;
  seq: number;
}

export const pushedReports = signal<ReadonlyMap<string, PushedReport>>(new Map());
let seq = 0;

export function applyReportUpdate(data: ReportUpdatedData): void {
  pushedReports.value = new Map(pushedReports.value).set(data.residentId, { data, seq: ++seq });
}

/** The doctor has read the notice: it goes, the refreshed report stays. */
export function dismissReportUpdate(residentId: string): void {
  const next = new Map(pushedReports.value);
  next.delete(residentId);
  pushedReports.value = next;
}

export function resetReportUpdates(): void {
  pushedReports.value = new Map();
}
