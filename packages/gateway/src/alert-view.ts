import type { Alert, Location, Resident, SlaWarning } from '@vigil/contracts';
import { respondersNeedLocation, withoutLocation } from '@vigil/engine';
import type { Stores } from '@vigil/stores';
import { canSeeHealth } from './access.ts';
import type { AuditNote, AuditRecorder } from './audit.ts';
import type { AuthUser } from './auth-guard.ts';
import { type EmergencyGrant, emergencyGrants } from './emergency-access.ts';
import { ALERT_KIND_TITLES, withoutHealthContent } from './health-redaction.ts';

/** How `alertForViewer` reaches what it needs beyond the alert in hand (both read lazily). */
export interface AlertViewSources {
  /** The viewer's emergency grants for a resident (a list reads them once per resident). */
  grantsOf?: (r: Resident) => Promise<EmergencyGrant[]>;
  /**
   * The location as stored now, for an alert taken from the event log, which never holds a
   * resident's location (engine location-retention.ts). Absent: the alert's own (a stored alert).
   */
  storedLocation?: () => Promise<Location | undefined>;
}

/**
 * An alert as one viewer may see it (contract §4.2, §4.3), the one rule REST and Socket.IO share:
 * - health content (title values, `explanation.inputs`, the condition's limits) under the resident's
 *   health consent for the viewer's role; otherwise `withoutHealthContent`;
 * - the location (contract §1.2, issue 13) under the resident's location consent, to the roles their
 *   consent admits (§4.2 counts location among the health content a role without consent never sees);
 * - either, by emergency access, to the responders of this very alert (assigned to it while it is
 *   open and `high`, emergency-access.ts), then marked `emergencyAccess: true` and audited with
 *   purpose `emergency` (`alertReadNote`). When it resolves the engine drops the stored location
 *   unless the location consent keeps it.
 * Facility alerts (no resident) are about a building: unchanged. The stores are read only for an
 * open `high` alert that consent alone does not fully show to this viewer, and (`storedLocation`,
 * events only) for the location of a viewer who may see one.
 */
export async function alertForViewer(
  stores: Pick<Stores, 'tasks' | 'alerts'>,
  user: AuthUser,
  alert: Alert,
  resident: Resident | undefined,
  sources: AlertViewSources = {},
): Promise<Alert> {
  if (alert.residentId === undefined) return alert;
  const bare = withoutLocation(alert);
  const locate = sources.storedLocation ?? (async () => alert.location);
  const located = async (a: Alert): Promise<Alert> => {
    const location = await locate();
    return location === undefined ? a : { ...a, location };
  };
  const responder = async () => {
    if (!resident || !respondersNeedLocation(alert)) return false;
    const grants = await (sources.grantsOf ?? ((r) => emergencyGrants(stores, user, r)))(resident);
    return grants.some((g) => g.alertId === alert.id);
  };
  if (resident && canSeeHealth(user, resident)) {
    if (resident.consent.location) return located(bare);
    // Health under consent, the location only by emergency access (read first: most alerts have none).
    const shown = await located(bare);
    if (shown.location === undefined || !(await responder())) return bare;
    return { ...shown, emergencyAccess: true };
  }
  if (await responder()) return { ...(await located(bare)), emergencyAccess: true };
  return withoutHealthContent(bare);
}

/** Whether the alert went out with health content about a resident: what `alert.read` records. */
export const showsHealth = (alert: Alert): alert is Alert & { residentId: string } =>
  alert.residentId !== undefined && !alert.healthWithheld;

/**
 * The audit note of alerts handed out: their ids, purpose `emergency` for an emergency access, which
 * says when the resident's location went out with it.
 */
export function alertReadNote(alert: Alert, more?: string): AuditNote {
  const where = more ? ` (${more})` : '';
  const what = alert.location === undefined ? '' : ' with location';
  if (alert.emergencyAccess)
    return { purpose: 'emergency', detail: `emergency access: alert ${alert.id}${what}${where}` };
  return `alert ${alert.id}${where}`;
}

/**
 * Alerts for one REST answer: each as `alertForViewer` shows it, reading each resident once, and one
 * `alert.read` audit entry per resident whose alerts went out with health content (contract §4.2:
 * "every read of resident health data is audited", alert reads included), naming the alerts.
 */
export async function alertsForViewer(
  stores: Pick<Stores, 'residents' | 'tasks' | 'alerts'>,
  audit: Pick<AuditRecorder, 'record'>,
  user: AuthUser,
  alerts: Alert[],
): Promise<Alert[]> {
  const residents = new Map<string, Resident | undefined>();
  for (const a of alerts) {
    if (a.residentId !== undefined && !residents.has(a.residentId))
      residents.set(a.residentId, await stores.residents.get(a.residentId));
  }
  // A list may hold many open high alerts of one resident: their grants are read once.
  const grants = new Map<string, Promise<EmergencyGrant[]>>();
  const grantsOf = (r: Resident) => {
    const known = grants.get(r.id);
    if (known) return known;
    const read = emergencyGrants(stores, user, r);
    grants.set(r.id, read);
    return read;
  };
  const shown: Alert[] = [];
  for (const a of alerts)
    shown.push(await alertForViewer(stores, user, a, residents.get(a.residentId ?? ''), { grantsOf }));

  const read = new Map<string, Alert[]>();
  for (const a of shown) if (showsHealth(a)) read.set(a.residentId, [...(read.get(a.residentId) ?? []), a]);
  for (const [residentId, list] of read) {
    const subject = { id: residentId, facilityId: list[0]?.facilityId ?? '' };
    const emergency = list.filter((a) => a.emergencyAccess);
    const consented = list.filter((a) => !a.emergencyAccess);
    if (consented.length > 0)
      audit.record(user, subject, 'alert.read', 'allowed', `alerts ${consented.map((a) => a.id).join(' ')}`);
    for (const a of emergency) audit.record(user, subject, 'alert.read', 'allowed', alertReadNote(a));
  }
  return shown;
}

/**
 * An SLA warning as this viewer may see it. The engine writes no health value into a warning
 * (deadline-runner.ts `unacknowledgedDetail`: alert id, plain kind name, rule, resident), so a warning
 * goes out as it is. Warnings written before that quoted the alert's title
 * (`high alert "Heart rate high: 163 bpm" not acknowledged within 60 s`) and stay in the stores for
 * their retention: for a viewer whom the resident's consent does not cover, such a quoted title
 * becomes the kind's plain name (contract §4.2 "any value in its title").
 */
export async function slaWarningForViewer(
  stores: Pick<Stores, 'residents' | 'alerts'>,
  user: AuthUser,
  warning: SlaWarning,
): Promise<SlaWarning> {
  // Only the old form quotes a title; the current one is never rewritten.
  if (warning.alertId === undefined || !warning.detail.includes('"')) return warning;
  const alert = await stores.alerts.get(warning.alertId);
  if (alert?.residentId === undefined) return warning;
  const resident = await stores.residents.get(alert.residentId);
  if (resident && canSeeHealth(user, resident)) return warning;
  return { ...warning, detail: warning.detail.replace(/"[^"]*"/g, `"${ALERT_KIND_TITLES[alert.kind]}"`) };
}
