import { signal } from '@preact/signals';
import type { SlaWarning } from '@vigil/contracts';
import { api, asList, describeError } from './api.ts';
import { compareWarnings } from './tasks-format.ts';
import { tCommon } from './i18n/common.ts';

/** SLA warnings (contract §3.3) for managers, newest first; ids are deterministic, so one per cause. */
export const slaWarnings = signal<readonly SlaWarning[]>([]);
export const slaError = signal<string | null>(null);
export const slaLoaded = signal(false);

/** Enough for a shift at a glance; older ones are in the REST history. */
export const SLA_MAX = 50;

/** Merges warnings from live events or a REST load; a repeated id replaces its earlier copy. */
export function mergeWarnings(list: readonly SlaWarning[]): void {
  if (list.length === 0) return;
  const byId = new Map(slaWarnings.value.map((w) => [w.id, w]));
  for (const w of list) byId.set(w.id, w);
  slaWarnings.value = [...byId.values()].sort(compareWarnings).slice(0, SLA_MAX);
}

export function applyWarning(w: SlaWarning): void {
  mergeWarnings([w]);
}

/** How far back the panel looks on load: a shift and its handover. */
export const SLA_LOOKBACK_MS = 12 * 60 * 60_000;

/** Loads recent warnings of the manager's facilities (an admin without facilities: all of them). */
export async function loadSla(facilityIds: readonly string[], nowMs = Date.now()): Promise<void> {
  const from = nowMs - SLA_LOOKBACK_MS;
  const paths = facilityIds.length
    ? facilityIds.map((f) => `/api/sla/warnings?facilityId=${encodeURIComponent(f)}&from=${from}`)
    : [`/api/sla/warnings?from=${from}`];
  try {
    const lists = await Promise.all(
      paths.map(async (p) => asList<SlaWarning>(await api<unknown>('GET', p), 'warnings')),
    );
    mergeWarnings(lists.flat());
    slaError.value = null;
  } catch (err) {
    slaError.value = tCommon('couldNotLoadSla', { reason: describeError(err) });
  } finally {
    slaLoaded.value = true;
  }
}

export function resetSla(): void {
  slaWarnings.value = [];
  slaError.value = null;
  slaLoaded.value = false;
}
