import type { LoginResponse } from '@vigil/contracts';
import { api } from './api.ts';
import { reconnectLive } from './live.ts';
import { renewed, session } from './session.ts';

/** Refresh this long before the token expires (contract §4.1: tokens live 15 min by default). */
const AHEAD_MS = 60_000;
/** After a network failure, try again this soon (while the token is still good). */
const RETRY_MS = 10_000;

/**
 * Keeps the session going (docs/api.md "Signing in"): `POST /api/auth/refresh` a minute before the
 * token expires (or half-way, for short tokens), then the socket moves to the new token. A `401` (the
 * session reached its maximum age, was revoked, the user was disabled) signs out in `api()`.
 */
export function startTokenRefresh(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const schedule = (delayMs: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), Math.max(0, delayMs));
  };

  const due = () => {
    const s = session.value;
    if (!s) return undefined;
    const left = Date.parse(s.expiresAt) - Date.now();
    return left > 2 * AHEAD_MS ? left - AHEAD_MS : left / 2;
  };

  const refresh = async () => {
    try {
      const next = await api<LoginResponse>('POST', '/api/auth/refresh');
      if (stopped) return;
      renewed(next);
      reconnectLive();
    } catch (err) {
      // A 401 has signed out already; a network error is tried again while the token lasts.
      if (stopped || !session.value) return;
      console.warn('vigil: token refresh failed', err);
      schedule(Math.max(1_000, Math.min(RETRY_MS, due() ?? RETRY_MS)));
      return;
    }
    const next = due();
    if (next !== undefined) schedule(next);
  };

  const first = due();
  if (first !== undefined) schedule(first);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
