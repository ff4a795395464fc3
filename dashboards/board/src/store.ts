import { computed, signal } from '@preact/signals';
import {
  type Alert,
  type AlertState,
  type News2,
  PRIORITY_RANK,
  type Resident,
  VITAL_KEYS,
  type VitalKey,
  type VitalsEventData,
} from '@vigil/contracts';

/** Latest value of each vital with its device time, as GET /api/residents/{id}/vitals returns `latest`. */
export type VitalName = VitalKey | 'battery' | 'steps';
export interface Reading<T> {
  v: T;
  /** Epoch ms (normalised from number or ISO on arrival). */
  ts: number;
}
export interface LatestVitals {
  residentId: string;
  values: Partial<Record<VitalName, Reading<number>>>;
  consciousness?: Reading<string>;
  worn?: Reading<boolean>;
  /** The latest NEWS2 the platform computed (live `vitals` events carry it). */
  news2?: News2;
}
export interface HrPoint {
  ts: number;
  hr: number;
}

/** Open (active or acknowledged) alerts by id. */
export const alerts = signal<ReadonlyMap<string, Alert>>(new Map());
/** Alerts resolved while this board was watching, newest first (a short "what just happened"). */
export const recentlyResolved = signal<readonly Alert[]>([]);
export const residents = signal<ReadonlyMap<string, Resident>>(new Map());
export const vitals = signal<ReadonlyMap<string, LatestVitals>>(new Map());
/** Recent HR points per resident for the sparkline; bounded so a long shift does not grow memory. */
export const hrHistory = signal<ReadonlyMap<string, readonly HrPoint[]>>(new Map());
export const selectedResident = signal<string | null>(null);
/** Load problems shown in place of the data they concern, never as a silent empty list. */
export const alertsError = signal<string | null>(null);
export const residentsError = signal<string | null>(null);
export const loading = signal(false);

/** Ticks every few seconds so "time since raised" and staleness stay true without new data. */
export const now = signal(Date.now());

export const RECENT_RESOLVED_MAX = 10;
const HR_HISTORY_MS = 60 * 60_000;

export const toMs = (t: number | string | undefined): number =>
  typeof t === 'number' ? t : t === undefined ? Number.NaN : Date.parse(t);

/** When the alert last called for help: raised, or re-raised (contract §3.1). */
export const calledAt = (a: Pick<Alert, 'raisedAt' | 'reraisedAt'>): number => toMs(a.reraisedAt ?? a.raisedAt);

/** Priority (IEC 60601-1-8: high, medium, low), then the newest call first (a re-raise comes up again). */
export function compareAlerts(a: Alert, b: Alert): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || calledAt(b) - calledAt(a);
}

export const openAlerts = computed(() => [...alerts.value.values()].sort(compareAlerts));
export const activeHighCount = computed(
  () => openAlerts.value.filter((a) => a.priority === 'high' && a.state === 'active').length,
);
/** Open alerts per resident, most urgent first, for the tile badges. */
export const alertsByResident = computed(() => {
  const m = new Map<string, Alert[]>();
  for (const a of openAlerts.value) {
    if (!a.residentId) continue;
    const list = m.get(a.residentId) ?? [];
    list.push(a);
    m.set(a.residentId, list);
  }
  return m;
});

const STATE_RANK: Record<AlertState, number> = { active: 0, acknowledged: 1, resolved: 2 };

/**
 * Which of two copies of one alert is newer. Events and a REST snapshot can cross in flight; the
 * lifecycle only moves forward (contract §3.1), and repeats only grow occurrences and lastSeenAt.
 * A re-raise starts the lifecycle again (active, escalation 0), so the later `reraisedAt` wins first.
 */
export function isNewer(a: Alert, b: Alert): boolean {
  const reraised = (x: Alert) => toMs(x.reraisedAt ?? 0);
  return (
    (reraised(a) - reraised(b) ||
      STATE_RANK[a.state] - STATE_RANK[b.state] ||
      a.escalationLevel - b.escalationLevel ||
      a.occurrences - b.occurrences ||
      toMs(a.lastSeenAt) - toMs(b.lastSeenAt)) > 0
  );
}

/** Ids changed by live events since the current REST reload began (see replaceOpenAlerts). */
let touchedDuringLoad: Set<string> | null = null;

/** Applies one alert from a live event or an action's response. */
export function applyAlert(alert: Alert): void {
  touchedDuringLoad?.add(alert.id);
  if (alert.state === 'resolved') {
    if (alerts.value.has(alert.id)) {
      const next = new Map(alerts.value);
      next.delete(alert.id);
      alerts.value = next;
    }
    addResolved(alert);
    return;
  }
  // Resolved is final (contract §3.1): a late or replayed copy must not bring it back.
  if (recentlyResolved.value.some((r) => r.id === alert.id)) return;
  const current = alerts.value.get(alert.id);
  // Only a strictly older copy is ignored, e.g. a replayed `alert.raised` after our own ack response.
  if (current && isNewer(current, alert)) return;
  const next = new Map(alerts.value);
  next.set(alert.id, alert);
  alerts.value = next;
}

function addResolved(alert: Alert): void {
  const rest = recentlyResolved.value.filter((r) => r.id !== alert.id);
  recentlyResolved.value = [alert, ...rest]
    .sort((a, b) => toMs(b.resolvedAt ?? b.lastSeenAt) - toMs(a.resolvedAt ?? a.lastSeenAt))
    .slice(0, RECENT_RESOLVED_MAX);
}

export function beginAlertReload(): void {
  touchedDuringLoad = new Set();
}

/**
 * Replaces the open list with a REST snapshot. Alerts missing from the snapshot were closed while we
 * were not listening, unless a live event touched them after the request went out; snapshot copies
 * never overwrite a newer live copy.
 */
export function replaceOpenAlerts(snapshot: readonly Alert[]): void {
  const touched = touchedDuringLoad ?? new Set<string>();
  touchedDuringLoad = null;
  const next = new Map<string, Alert>();
  for (const a of snapshot) {
    if (a.state === 'resolved') continue;
    if (recentlyResolved.value.some((r) => r.id === a.id) && touched.has(a.id)) continue;
    const live = alerts.value.get(a.id);
    next.set(a.id, live && touched.has(a.id) && isNewer(live, a) ? live : a);
  }
  for (const [id, a] of alerts.value) if (touched.has(id) && !next.has(id)) next.set(id, a);
  alerts.value = next;
}

export function seedResolved(list: readonly Alert[]): void {
  for (const a of list) if (a.state === 'resolved') addResolved(a);
}

export function setResidents(list: readonly Resident[]): void {
  residents.value = new Map(list.map((r) => [r.id, r]));
}

/** Normalises `latest` from REST (ts as epoch ms or ISO) into the store. */
export function setLatestVitals(latest: LatestVitals | null | undefined, residentId: string): void {
  if (!latest) return;
  const values: LatestVitals['values'] = {};
  for (const [k, r] of Object.entries(latest.values ?? {})) {
    if (r && typeof r.v === 'number') values[k as VitalName] = { v: r.v, ts: toMs(r.ts) };
  }
  const next: LatestVitals = { residentId, values };
  if (latest.consciousness) next.consciousness = { ...latest.consciousness, ts: toMs(latest.consciousness.ts) };
  if (latest.worn) next.worn = { ...latest.worn, ts: toMs(latest.worn.ts) };
  if (latest.news2) next.news2 = latest.news2;
  const m = new Map(vitals.value);
  m.set(residentId, next);
  vitals.value = m;
}

/** Merges one live `vitals.sample` (contract §2) into the latest values; older values never win. */
export function applyVitalsSample(d: VitalsEventData): void {
  const ts = toMs(d.ts);
  const prev = vitals.value.get(d.residentId) ?? { residentId: d.residentId, values: {} };
  const values = { ...prev.values };
  for (const k of VITAL_KEYS) {
    const v = d[k];
    const old = values[k];
    if (typeof v === 'number' && (!old || old.ts <= ts)) values[k] = { v, ts };
  }
  const m = new Map(vitals.value);
  const newer = d.news2 && (!prev.news2 || Date.parse(prev.news2.at) <= Date.parse(d.news2.at));
  m.set(d.residentId, { ...prev, values, ...(newer && { news2: d.news2 }) });
  vitals.value = m;
  if (typeof d.hr === 'number') appendHr(d.residentId, [{ ts, hr: d.hr }]);
}

export function appendHr(residentId: string, points: readonly HrPoint[]): void {
  const cutoff = Date.now() - HR_HISTORY_MS;
  const merged = [...(hrHistory.value.get(residentId) ?? []), ...points]
    .filter((p) => p.ts >= cutoff)
    .sort((a, b) => a.ts - b.ts);
  const m = new Map(hrHistory.value);
  m.set(residentId, merged);
  hrHistory.value = m;
}

export function resetStore(): void {
  alerts.value = new Map();
  recentlyResolved.value = [];
  residents.value = new Map();
  vitals.value = new Map();
  hrHistory.value = new Map();
  selectedResident.value = null;
  alertsError.value = null;
  residentsError.value = null;
  touchedDuringLoad = null;
}
