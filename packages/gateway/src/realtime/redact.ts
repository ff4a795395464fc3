import type { Location, LoggedEvent, Resident } from '@vigil/contracts';
import type { Stores } from '@vigil/stores';
import { alertForViewer, slaWarningForViewer } from '../alert-view.ts';
import type { AuthUser } from '../auth-guard.ts';
import { canSeeVitals, carriesHealth, withoutHealth } from '../access.ts';
import { taskForViewer } from '../emergency-access.ts';

/**
 * An event as one viewer may see it (a promise: emergency access reads the stores, see below), or
 * undefined when the resident's consent withholds the whole event from that viewer (a report).
 */
export type EventView = (user: AuthUser) => Promise<LoggedEvent | undefined>;

/**
 * Applies the resident's consent to an event before any socket sees it (contract §4.3). The resident
 * is read once per event, not once per socket:
 * - an alert is shown as `alertForViewer` says (alert-view.ts, the rule REST uses too): health
 *   content (title values, inputs) under the viewer's health consent, the location (read from the
 *   stored alert: the log keeps none) under the location consent, either by emergency access to that
 *   alert;
 * - a task's `context` (vitals, NEWS2, trend) and a consult's note are health data: it stays for the viewers the resident's
 *   health consent covers (it depends on the viewer's role, hence the per-viewer step), and for a
 *   viewer it does not cover only by emergency access (contract §4.3: assigned to that open `high`
 *   alert), marked `emergencyAccess: true`. Only those viewers cost a store read, decided at the
 *   moment of sending: a replay after the alert is resolved sends no context.
 */
export async function redactEvent(
  stores: Pick<Stores, 'residents' | 'tasks' | 'alerts'>,
  e: LoggedEvent,
): Promise<EventView> {
  if (e.event === 'alert') {
    const alert = e.envelope.data;
    if (alert.residentId === undefined) return async () => e;
    const resident: Resident | undefined = await stores.residents.get(alert.residentId);
    // The log's copy holds no location: the stored one, read once per event and only for a viewer
    // who may see it. A replay after the alert resolved finds none unless the consent kept it.
    let stored: Promise<Location | undefined> | undefined;
    const storedLocation = () => {
      stored ??= stores.alerts.get(alert.id).then((a) => a?.location);
      return stored;
    };
    return async (user) => {
      const shown = await alertForViewer(stores, user, alert, resident, { storedLocation });
      return shown === alert ? e : { event: 'alert', envelope: { ...e.envelope, data: shown } };
    };
  }
  if (e.event === 'task') {
    const task = e.envelope.data;
    if (!carriesHealth(task) || task.residentId === undefined) return async () => e;
    const resident: Resident | undefined = await stores.residents.get(task.residentId);
    const without: LoggedEvent = { event: 'task', envelope: { ...e.envelope, data: withoutHealth(task) } };
    return async (user) => {
      const shown = await taskForViewer(stores, user, task, resident);
      if (shown === task) return e;
      return carriesHealth(shown) ? { event: 'task', envelope: { ...e.envelope, data: shown } } : without;
    };
  }
  if (e.event === 'sla') {
    const warning = e.envelope.data;
    return async (user) => {
      const shown = await slaWarningForViewer(stores, user, warning);
      return shown === warning ? e : { event: 'sla', envelope: { ...e.envelope, data: shown } };
    };
  }
  if (e.event === 'report') {
    // A report is nothing but health data: sent whole to a viewer the consent (and zones) admit,
    // otherwise not at all (contract §4.4 "whom the resident's consent admits").
    const resident: Resident | undefined = await stores.residents.get(e.envelope.data.residentId);
    return async (user) => (resident && canSeeVitals(user, resident) ? e : undefined);
  }
  return async () => e;
}
