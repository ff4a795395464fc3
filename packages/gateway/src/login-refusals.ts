import type { FastifyReply } from 'fastify';
import { ApiError } from './errors.ts';

/**
 * The two cheap answers of `POST /api/auth/login` (issue 13 "cheap where unauthenticated";
 * docs/security.md "Login and CONNECT floods"), machine-readable: a code, `details.retryAfterS` and
 * the same number in a Retry-After header (RFC 9110 §10.2.3), so a client waits instead of hammering.
 */
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** 429 `rate_limited`: this address or username failed too often lately; nothing was checked. */
export function backingOff(reply: FastifyReply, retryAfterMs: number): ApiError {
  const retryAfterS = seconds(retryAfterMs);
  void reply.header('retry-after', String(retryAfterS));
  return new ApiError('rate_limited', `too many failed sign-ins; retry in ${retryAfterS} s`, { retryAfterS });
}

/** 503 `busy`: the password work gate is full; nothing was checked, so it is no verdict on the password. */
export function busy(reply: FastifyReply, retryAfterMs: number): ApiError {
  const retryAfterS = seconds(retryAfterMs);
  void reply.header('retry-after', String(retryAfterS));
  return new ApiError('busy', `the server is busy verifying passwords; retry in ${retryAfterS} s`, { retryAfterS });
}
