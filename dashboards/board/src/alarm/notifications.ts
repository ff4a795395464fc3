import { effect, signal, untracked } from '@preact/signals';
import { placeText } from '../format.ts';
import { openAlerts, residents } from '../store.ts';
import { callsToNotify, notificationText } from './notify-policy.ts';
import { callKey } from './policy.ts';

/**
 * System notifications for high and medium calls while the tab is hidden (the Notification API).
 * Permission is asked only from a click (the header button); denied or unsupported degrades silently:
 * the tab title and the sound still call.
 */
export type NotifyPermission = NotificationPermission | 'unsupported';

const supported = (): boolean => typeof globalThis.Notification === 'function';
export const notifyPermission = signal<NotifyPermission>(supported() ? Notification.permission : 'unsupported');

interface Shown {
  alertId: string;
  title: string;
  /** The browser's `show` event fired: the notification is on screen. */
  shown: boolean;
}
/** What was sent, for the browser test and for debugging from the console. */
const sent: Shown[] = [];
(globalThis as { __vigilNotifications?: readonly Shown[] }).__vigilNotifications = sent;

export async function requestNotifications(): Promise<void> {
  if (!supported()) return;
  try {
    notifyPermission.value = await Notification.requestPermission();
  } catch {
    notifyPermission.value = Notification.permission;
  }
}

/** Brings the tab forward and the alert's card into view, focused for the keyboard. */
export function focusAlert(alertId: string): void {
  window.focus();
  const card = document.querySelector<HTMLElement>(`[data-alert-id="${CSS.escape(alertId)}"]`);
  if (!card) return;
  card.tabIndex = -1;
  card.scrollIntoView({ block: 'center' });
  card.focus({ preventScroll: true });
}

export function startNotifications(): () => void {
  let seen = new Set<string>();
  return effect(() => {
    const list = openAlerts.value;
    untracked(() => {
      const r = callsToNotify(list, seen, document.visibilityState === 'hidden');
      seen = r.seen;
      if (!supported() || Notification.permission !== 'granted') return;
      for (const a of r.notify) {
        const resident = a.residentId ? residents.value.get(a.residentId) : undefined;
        const { title, body } = notificationText(a, resident?.name ?? a.residentId, placeText(a, resident));
        try {
          const n = new Notification(title, {
            body,
            tag: callKey(a),
            // A high call stays on screen until someone deals with it.
            requireInteraction: a.priority === 'high',
          });
          const record: Shown = { alertId: a.id, title, shown: false };
          sent.push(record);
          n.addEventListener('show', () => {
            record.shown = true;
          });
          n.addEventListener('click', () => {
            focusAlert(a.id);
            n.close();
          });
        } catch {
          // Some browsers allow notifications only from a service worker: the sound still calls.
        }
      }
    });
  });
}
