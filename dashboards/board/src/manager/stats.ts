import { signal } from '@preact/signals';
import type { AlertStats } from '@vigil/contracts';
import { api, describeError } from '../api.ts';

export const RANGES = { last24h: 24 * 3_600_000, last7d: 7 * 24 * 3_600_000, last30d: 30 * 24 * 3_600_000 } as const;
export type RangeKey = keyof typeof RANGES;

export const statsRange = signal<RangeKey>('last7d');
export const stats = signal<AlertStats | null>(null);
export const statsError = signal<string | null>(null);

let latest = 0;

/** `GET /api/alerts/stats` for the facility over the chosen period; a slower earlier answer is dropped. */
export async function loadStats(facilityId: string, range: RangeKey, nowMs = Date.now()): Promise<void> {
  const call = ++latest;
  const from = nowMs - RANGES[range];
  try {
    const body = await api<AlertStats>(
      'GET',
      `/api/alerts/stats?facilityId=${encodeURIComponent(facilityId)}&from=${from}&to=${nowMs}`,
    );
    if (call !== latest) return;
    stats.value = body;
    statsError.value = null;
  } catch (err) {
    if (call === latest) statsError.value = describeError(err);
  }
}
