import type { LoggedEvent } from '@vigil/contracts';
import type { ResidentStore } from '@vigil/stores';
import { withLocationConsent } from '../access.ts';

/**
 * Applies the resident's location consent to an alert event before any socket sees it (contract §4.3).
 * Consent is the same for every viewer, so this runs once per event, not once per socket.
 */
export async function redactEvent(residents: ResidentStore, e: LoggedEvent): Promise<LoggedEvent> {
  if (e.event !== 'alert') return e;
  const alert = e.envelope.data;
  if (alert.location === undefined || alert.residentId === undefined) return e;
  const consent = (await residents.get(alert.residentId))?.consent;
  const data = withLocationConsent(alert, consent);
  return data === alert ? e : { event: 'alert', envelope: { ...e.envelope, data } };
}
