import type { Alert } from '@vigil/contracts';
import type { ResidentStore } from '@vigil/stores';

/**
 * How long an alert keeps a resident's location (contract §1.2: "stored and shown only under the
 * resident's location consent"; §4.3: the responders of an open `high` alert see what they need for
 * it). Issue 13 found locations kept while the consent was off. The rule, applied to every write of
 * an alert (AlertService) and never to a read:
 * - the resident's location consent is on: kept;
 * - the alert is open and `high` (an SOS, a fall): kept, sealed in the alert record only, for its
 *   responders (emergency access, gateway alert-view.ts); dropped by the write that resolves it;
 * - otherwise: dropped (nobody may see it, so it is not kept).
 * Facility alerts (no resident) carry a place in the building, not a person's whereabouts: unchanged.
 */

/** Whether a resident's location consent is on now; false for a resident not (or no longer) known. */
export type LocationConsent = (residentId: string) => Promise<boolean>;

/** Read from the resident store on each call, so a withdrawal counts from the next write. */
export function locationConsentFrom(residents: Pick<ResidentStore, 'get'> | undefined): LocationConsent {
  // Without a resident store nothing proves consent: the strict default.
  if (!residents) return async () => false;
  return async (residentId) => (await residents.get(residentId))?.consent.location === true;
}

/** The alert without its location (the same object when it has none). */
export function withoutLocation(alert: Alert): Alert {
  if (alert.location === undefined) return alert;
  const { location: _dropped, ...rest } = alert;
  return rest;
}

/** Whether a stored location may be needed by the responders of this alert (open and `high`). */
export const respondersNeedLocation = (alert: Pick<Alert, 'state' | 'priority'>): boolean =>
  alert.state !== 'resolved' && alert.priority === 'high';

/**
 * The alert as it may be stored: with its location while the rule above allows it, without it
 * otherwise. The consent is read only for an alert that has a location and no responders needing it.
 */
export async function retainedLocation(alert: Alert, consent: LocationConsent): Promise<Alert> {
  if (alert.location === undefined || alert.residentId === undefined) return alert;
  if (respondersNeedLocation(alert)) return alert;
  return (await consent(alert.residentId)) ? alert : withoutLocation(alert);
}

/**
 * An alert as the event log keeps it: a resident's location is left out (the log is replayed for 24 h
 * and cannot forget one entry); the gateway adds the stored one back for a viewer who may see it, at
 * the moment of sending (realtime/redact.ts), so a resolved alert's location is gone from every copy.
 */
export function loggedAlert(alert: Alert): Alert {
  return alert.residentId === undefined ? alert : withoutLocation(alert);
}
