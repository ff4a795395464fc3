import { type Alert, healthVisibleTo, type ResolveOutcome, type Resident, zonesCover } from '@vigil/contracts';
import { ApiError, api, asList, describeError } from './api.ts';
import { subscribeVitals } from './live.ts';
import { session } from './session.ts';
import { loadSla } from './sla.ts';
import { loadTasks } from './task-data.ts';
import { loadOwnRecord } from './resident/resident-data.ts';
import { isManagerRole } from './tasks-format.ts';
import { loadTeam } from './team.ts';
import {
  alertsError,
  appendHr,
  applyAlert,
  beginAlertReload,
  type LatestVitals,
  loading,
  replaceOpenAlerts,
  residentsError,
  seedResolved,
  setLatestVitals,
  setResidents,
  toMs,
} from './store.ts';
import { tCommon } from './i18n/common.ts';
import { loadZones } from './zones.ts';

interface VitalsResponse {
  residentId: string;
  latest?: LatestVitals | null;
  points?: { ts: number | string; hr?: number }[];
}

let reloading: Promise<void> | null = null;
let again = false;

/**
 * Reloads everything the board shows over REST. A call during a reload queues one more run instead of
 * sharing the running one: the caller (e.g. a fresh socket connection) needs a snapshot taken after it.
 */
export function reloadAll(): Promise<void> {
  if (reloading) {
    again = true;
    return reloading;
  }
  reloading = (async () => {
    loading.value = true;
    try {
      do {
        again = false;
        // A resident reads their own record, not the facility's list (contract §4.2 "own data");
        // maintenance staff see no residents: their board has facility alerts only.
        const role = session.value?.user.role;
        const people = role === 'resident' ? [loadOwnRecord()] : role === 'maintenance' ? [] : [loadResidents()];
        await Promise.all([loadAlerts(), ...people, ...loadsForRole()]);
      } while (again);
    } finally {
      loading.value = false;
      reloading = null;
    }
  })();
  return reloading;
}

/** Tasks for everyone who can hold one; SLA warnings and the team for managers (contract §4.2). */
function loadsForRole(): Promise<void>[] {
  const user = session.value?.user;
  if (!user || user.role === 'resident') return [];
  const loads = [loadZones()];
  if (user.role !== 'admin') loads.push(loadTasks(user.role));
  if (isManagerRole(user.role)) loads.push(loadSla(user.facilityIds), loadTeam());
  return loads;
}

async function loadAlerts(): Promise<void> {
  beginAlertReload();
  try {
    const open = asList<Alert>(await api<unknown>('GET', '/api/alerts?state=open'), 'alerts');
    replaceOpenAlerts(open);
    alertsError.value = null;
  } catch (err) {
    alertsError.value = tCommon('couldNotLoadAlerts', { reason: describeError(err) });
    return;
  }
  // "Recently resolved" is context, not safety: a failure here stays off the board (console only).
  try {
    seedResolved(asList<Alert>(await api<unknown>('GET', '/api/alerts?state=resolved'), 'alerts'));
  } catch (err) {
    console.warn('vigil: recently resolved alerts not loaded', describeError(err));
  }
}

async function loadResidents(): Promise<void> {
  const facilityIds = session.value?.user.facilityIds ?? [];
  try {
    const lists = await Promise.all(
      facilityIds.map(async (f) =>
        asList<Resident>(await api<unknown>('GET', `/api/residents?facilityId=${encodeURIComponent(f)}`), 'residents'),
      ),
    );
    const user = session.value?.user;
    // A caregiver with zones looks after those zones: the board shows their residents only.
    const mine = lists.flat().filter((r) => !user || zonesCover(user, r.zoneId));
    setResidents(mine);
    residentsError.value = null;
    // The resident decides who sees their vitals (contract §4.3): ask only for what consent covers,
    // and let the tile say "not shared" for the rest instead of an error.
    const shared = mine.filter((r) => !user || healthVisibleTo(user, r));
    subscribeVitals(shared.map((r) => r.id));
    await Promise.all(shared.map((r) => loadVitals(r.id)));
  } catch (err) {
    residentsError.value = tCommon('couldNotLoadResidents', { reason: describeError(err) });
  }
}

export async function loadVitals(residentId: string): Promise<void> {
  try {
    const from = Date.now() - 60 * 60_000;
    const v = await api<VitalsResponse>('GET', `/api/residents/${encodeURIComponent(residentId)}/vitals?from=${from}`);
    setLatestVitals(v.latest, residentId);
    const hr = (v.points ?? [])
      .filter((p): p is { ts: number | string; hr: number } => typeof p.hr === 'number')
      .map((p) => ({ ts: toMs(p.ts), hr: p.hr }));
    if (hr.length) appendHr(residentId, hr);
  } catch (err) {
    // The tile says "no data" rather than failing the whole list: expected for 403 (no consent) and
    // 404; anything else (5xx, network) is worth a line in the console.
    if (!(err instanceof ApiError)) throw err;
    if (err.status !== 403 && err.status !== 404)
      console.warn('vigil: vitals not loaded', residentId, describeError(err));
  }
}

/** Applies the returned alert at once, so the card changes before the event arrives. */
function applyResponse(body: unknown): void {
  const a = (body && typeof body === 'object' && 'alert' in body ? (body as { alert: unknown }).alert : body) as
    | Alert
    | undefined;
  if (a && typeof a.id === 'string' && typeof a.state === 'string') applyAlert(a);
}

export async function acknowledge(alertId: string): Promise<void> {
  applyResponse(await api<unknown>('POST', `/api/alerts/${encodeURIComponent(alertId)}/ack`, { body: {} }));
}

export async function resolve(alertId: string, outcome: ResolveOutcome): Promise<void> {
  applyResponse(
    await api<unknown>('POST', `/api/alerts/${encodeURIComponent(alertId)}/resolve`, { body: { outcome } }),
  );
}

/** After a 409 the card is out of date: fetch the alert as it is now. */
export async function refreshAlert(alertId: string): Promise<void> {
  try {
    applyResponse(await api<unknown>('GET', `/api/alerts/${encodeURIComponent(alertId)}`));
  } catch (err) {
    // The card has shown the 409 already; the next live event or reload brings it up to date.
    console.warn('vigil: alert not refreshed', alertId, describeError(err));
  }
}
