import { signal } from '@preact/signals';
import type { LoginResponse } from '@vigil/contracts';

/**
 * The signed-in session. sessionStorage, not localStorage: a shared ward tablet forgets the token when
 * the tab closes, and each tab signs in on its own.
 */
const KEY = 'vigil.session';

function restore(): LoginResponse | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as LoginResponse;
    // An expired token would only earn 401s and an `unauthorized` socket; start at the login instead.
    if (!s.token || Date.parse(s.expiresAt) <= Date.now()) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return s;
  } catch {
    // Storage off, or a stored session that is not JSON: start at the login, as after an expiry.
    return null;
  }
}

export const session = signal<LoginResponse | null>(restore());
/** Why the user was sent back to the login, shown there in words. */
export const logoutReason = signal<string | null>(null);

export function signIn(s: LoginResponse): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
  logoutReason.value = null;
  session.value = s;
}

/** A refreshed token for the same session: stored, and the board stays as it is (App keys it by user). */
export function renewed(s: LoginResponse): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
  session.value = s;
}

/** Clears the session; the board unmounts, which closes the socket and resets the store. */
export function logout(reason: string | null = null): void {
  sessionStorage.removeItem(KEY);
  logoutReason.value = reason;
  session.value = null;
}

export function token(): string | null {
  return session.value?.token ?? null;
}
