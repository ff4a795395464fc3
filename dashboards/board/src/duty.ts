import { signal } from '@preact/signals';
import type { PublicUser, SessionUser } from '@vigil/contracts';
import { api, describeError } from './api.ts';
import { tCommon } from './i18n/common.ts';

/**
 * The signed-in user's on-duty flag: null while unknown. The login response may not carry it and a
 * user cannot read their own record, so it comes from the login (when present), then from each
 * `PUT /api/users/{id}/duty` answer, remembered for this tab like the session itself.
 */
export const onDuty = signal<boolean | null>(null);
export const dutyBusy = signal(false);
export const dutyError = signal<string | null>(null);

let userId: string | null = null;
const key = (id: string) => `vigil.duty.${id}`;

function remember(id: string, v: boolean): void {
  try {
    sessionStorage.setItem(key(id), String(v));
  } catch {
    // Storage off or full (private mode): the toggle still works, it is only not recalled on reload.
  }
}

function recall(id: string): boolean | null {
  try {
    const v = sessionStorage.getItem(key(id));
    return v === 'true' ? true : v === 'false' ? false : null;
  } catch {
    // Storage off (private mode): unknown, as on a first visit.
    return null;
  }
}

export function initDuty(user: SessionUser & { onDuty?: unknown }): void {
  userId = user.id;
  dutyError.value = null;
  if (typeof user.onDuty === 'boolean') {
    onDuty.value = user.onDuty;
    remember(user.id, user.onDuty);
  } else {
    onDuty.value = recall(user.id);
  }
}

export async function setDuty(on: boolean): Promise<void> {
  const id = userId;
  if (!id || dutyBusy.value) return;
  dutyBusy.value = true;
  dutyError.value = null;
  try {
    const res = await api<Partial<PublicUser> | undefined>('PUT', `/api/users/${encodeURIComponent(id)}/duty`, {
      body: { onDuty: on },
    });
    const v = typeof res?.onDuty === 'boolean' ? res.onDuty : on;
    if (userId !== id) return;
    onDuty.value = v;
    remember(id, v);
  } catch (err) {
    dutyError.value = tCommon('dutyNotChanged', { reason: describeError(err) });
  } finally {
    dutyBusy.value = false;
  }
}

export function resetDuty(): void {
  userId = null;
  onDuty.value = null;
  dutyBusy.value = false;
  dutyError.value = null;
}
