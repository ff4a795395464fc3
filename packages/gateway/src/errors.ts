import type { ApiErrorCode } from '@vigil/contracts';

/** HTTP status of each API error code (contract §4: 400, 401, 403, 404, 409, 429). */
export const STATUS_OF: Record<ApiErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  illegal_state: 409,
  rate_limited: 429,
  payload_too_large: 413,
  internal: 500,
  unavailable: 503,
  busy: 503,
};

/** An error a route throws on purpose; the error handler renders it as `{ error: { code, message } }`. */
export class ApiError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = STATUS_OF[code];
  }
}

export const badRequest = (message: string, details?: unknown) => new ApiError('invalid_input', message, details);
export const unauthorized = (message = 'authentication required') => new ApiError('unauthorized', message);
export const forbidden = (message = 'not allowed for your role') => new ApiError('forbidden', message);
/** Also used for objects of other facilities: their existence must not leak (contract §4.2). */
export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
export const conflict = (message: string) => new ApiError('conflict', message);

/** How long a client is told to wait (`Retry-After`) when the stores are unreachable. */
export const RETRY_AFTER_S = 5;

/**
 * The stores (Redis) do not answer (issue 13 item 6): 503 with `Retry-After`, at once, instead of a
 * request that waits for them. `details.dependency` says what is missing.
 */
export const unavailable = (message = 'the state store (Redis) is unreachable; try again shortly') =>
  new ApiError('unavailable', message, { dependency: 'redis', retryAfterS: RETRY_AFTER_S });
