import type { LoggedEvent, Resident } from '@vigil/contracts';
import type { ResidentStore } from '@vigil/stores';
import { withHealthConsent, withLocationConsent } from '../access.ts';
import type { AuthUser } from '../auth-guard.ts';

/** An event as one viewer may see it. */
export type EventView = (user: AuthUser) => LoggedEvent;

/**
 * Applies the resident's consent to an event before any socket sees it (contract §4.3). The store is
 * read once per event, not once per socket:
 * - an alert's location is removed without the location consent (the same for every viewer);
 * - a task's `context` (vitals, NEWS2, trend) is health data: it stays only for the viewers the
 *   resident's health consent covers (it depends on the viewer's role, hence the per-viewer step).
 */
export async function redactEvent(residents: ResidentStore, e: LoggedEvent): Promise<EventView> {
  if (e.event === 'alert') {
    const alert = e.envelope.data;
    if (alert.location === undefined || alert.residentId === undefined) return () => e;
    const consent = (await residents.get(alert.residentId))?.consent;
    const data = withLocationConsent(alert, consent);
    const shown: LoggedEvent = data === alert ? e : { event: 'alert', envelope: { ...e.envelope, data } };
    return () => shown;
  }
  if (e.event === 'task') {
    const task = e.envelope.data;
    if (task.context === undefined || task.residentId === undefined) return () => e;
    const resident: Resident | undefined = await residents.get(task.residentId);
    const { context: _hidden, ...stripped } = task;
    const without: LoggedEvent = { event: 'task', envelope: { ...e.envelope, data: stripped } };
    return (user) => (withHealthConsent(user, task, resident) === task ? e : without);
  }
  return () => e;
}
