import type { Alert } from '@vigil/contracts';
import { callKey } from './policy.ts';
import { alertTitle } from '../alert-text.ts';
import { tAlerts } from '../i18n/alerts.ts';
import { priorityLabel } from '../i18n/labels.ts';

type NotifyAlert = Pick<
  Alert,
  'id' | 'priority' | 'state' | 'raisedAt' | 'reraisedAt' | 'title' | 'kind' | 'explanation'
>;

/**
 * Calls that deserve a system notification: high and medium (low is awareness only), still active,
 * and not notified before. Only while the tab is hidden: a visible board already sounds and pulses.
 * Every call seen counts as handled, hidden or not, so showing the tab later does not replay old calls.
 */
export function callsToNotify<T extends NotifyAlert>(
  alerts: readonly T[],
  seen: ReadonlySet<string>,
  hidden: boolean,
): { notify: T[]; seen: Set<string> } {
  const next = new Set<string>();
  const notify: T[] = [];
  for (const a of alerts) {
    if (a.state !== 'active' || a.priority === 'low') continue;
    const key = callKey(a);
    next.add(key);
    if (!seen.has(key) && hidden) notify.push(a);
  }
  return { notify, seen: next };
}

/** The notification's words: priority first, so it reads at a glance on a lock screen. */
export function notificationText(
  a: NotifyAlert,
  residentName: string | undefined,
  place: string,
): {
  title: string;
  body: string;
} {
  return {
    title: tAlerts('notifyTitle', {
      priority: priorityLabel(a.priority),
      again: a.reraisedAt !== undefined,
      title: alertTitle(a),
    }),
    body: [residentName, place].filter(Boolean).join(' · '),
  };
}
