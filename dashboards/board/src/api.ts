import { logout, token } from './session.ts';
import { tCommon } from './i18n/common.ts';
import { locale } from './i18n/locale.ts';

/** A failed request with the contract's error shape `{ error: { code, message } }` (contract §4). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterS?: number,
    /** The contract's machine-readable problems, e.g. `[{ path, message }]` for invalid settings. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** status 0: the request never got an answer (network down, gateway restarting). */
export const NETWORK_ERROR = 'network';

interface RequestOptions {
  body?: unknown;
  /** Login must not treat its own 401 as "session expired". */
  anonymous?: boolean;
  signal?: AbortSignal;
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const t = opts.anonymous ? null : token();
  if (t) headers.authorization = `Bearer ${t}`;

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? null : JSON.stringify(opts.body),
      signal: opts.signal ?? null,
      cache: 'no-store',
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, NETWORK_ERROR, tCommon('noServer'));
  }

  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // An error page from a proxy is not JSON: the status below says what happened. A success that is
    // not JSON is a gateway bug, worth a line in the console.
    json = undefined;
    if (res.ok) console.warn('vigil: response is not JSON', method, path.split('?')[0]);
  }

  if (!res.ok) {
    const e = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const code = typeof e?.code === 'string' ? e.code : `http_${res.status}`;
    const message = typeof e?.message === 'string' ? e.message : `${res.status} ${res.statusText}`;
    const retry = Number(res.headers.get('retry-after'));
    // An expired or revoked token: a board that silently shows nothing new is worse than a login form.
    if (res.status === 401 && !opts.anonymous) logout(tCommon('sessionEnded'));
    throw new ApiError(res.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : undefined, e?.details);
  }
  return json as T;
}

/** Lists come back either bare or wrapped (`{ alerts: [...] }`, `{ items: [...] }`); accept both. */
export function asList<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    for (const k of [key, 'items', 'data']) if (Array.isArray(o[k])) return o[k] as T[];
  }
  return [];
}

/** The gateway's error codes (contract §4) in words, for a language the server's English message is not in. */
const CODE_TEXT = {
  forbidden: 'errForbidden',
  not_found: 'errNotFound',
  conflict: 'errConflict',
  invalid_input: 'errInvalid',
  rate_limited: 'errRateLimited',
  unauthorized: 'errUnauthorized',
  payload_too_large: 'errTooLarge',
  internal: 'errInternal',
} as const;

/**
 * What went wrong, for "Not done: …" and "Could not load …": the server's own message in English
 * (it is the most specific), the error code in words in Chinese.
 */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const key = CODE_TEXT[err.code as keyof typeof CODE_TEXT];
    return locale.value !== 'en' && key ? tCommon(key) : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
