import { FailureBackoff, normaliseUsername, verifyAgainstDecoy, verifySecret, WorkGateBusyError } from '@vigil/auth';
import { LoginRequest, type LoginResponse, toIso } from '@vigil/contracts';
import type { UserRecord } from '@vigil/stores';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { bearerToken, resolveSession } from '../auth-guard.ts';
import type { RouteOptions } from '../context.ts';
import { forbidden, unauthorized } from '../errors.ts';
import { backingOff, busy } from '../login-refusals.ts';
import { revokeToken } from '../sessions.ts';

/**
 * Sessions (contract §4.1): `login`, `refresh` and `logout`. Access tokens are short-lived (default
 * 15 min); a session is kept going by refreshing a still-valid token, which revokes it and returns a
 * new one, up to the session's maximum age from the login (docs/security.md "Sessions").
 */
export const authRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  // Issue 13 "cheap where unauthenticated": only failures back off, per address and username.
  const backoff = ctx.loginBackoff ?? new FailureBackoff({ clock: ctx.clock });

  const session = async (user: UserRecord, sessionStartedAt?: number): Promise<LoginResponse> => {
    const { token, expiresAt } = await ctx.tokens.issue(
      { userId: user.id, role: user.role, facilityIds: user.facilityIds },
      sessionStartedAt !== undefined ? { sessionStartedAt } : {},
    );
    return {
      token,
      expiresAt: toIso(expiresAt),
      user: {
        id: user.id,
        role: user.role,
        facilityIds: user.facilityIds,
        name: user.name,
        ...(user.zoneIds !== undefined && { zoneIds: user.zoneIds }),
        ...(user.residentId !== undefined && { residentId: user.residentId }),
        onDuty: user.onDuty,
      },
    };
  };

  /** The caller's still-valid session, or 401 (refresh and logout need one, as every `/api` route). */
  const current = async (authorization: string | undefined) => {
    const token = bearerToken(authorization);
    const found = token ? await resolveSession(ctx.stores, ctx.tokens, token) : undefined;
    if (!found) throw unauthorized(token ? 'invalid or expired token' : 'authentication required');
    return found;
  };

  app.post('/login', { schema: { body: LoginRequest } }, async (req, reply): Promise<LoginResponse> => {
    const { password } = req.body;
    // Usernames are stored in NFKC form (usernames.ts): "ｃａｒｅ１" signs in as "care1".
    const username = normaliseUsername(req.body.username);
    // Answered before any store read or argon2id: a flood of refused attempts costs a map lookup each.
    const verdict = backoff.check(req.ip, username.toLowerCase());
    if (!verdict.allowed) throw backingOff(reply, verdict.retryAfterMs);
    const { attempt } = verdict;
    try {
      const user = await ctx.stores.users.getByUsername(username);
      // A name that signed in from this address before goes ahead of strangers' work.
      const lane = attempt.trusted ? 'trusted' : 'untrusted';
      // Unknown users cost the same argon2 verification as known ones: no enumeration by timing.
      const ok = user
        ? await verifySecret(user.passwordHash, password, { lane })
        : await verifyAgainstDecoy(password, { lane });
      if (!user || !ok) {
        attempt.failed();
        throw unauthorized('invalid username or password');
      }
      attempt.succeeded();
      // After the password, so only the account's owner learns its state (issue 13).
      if (user.disabled) throw forbidden('this account is disabled');
      if (user.pendingApproval) throw forbidden("this account awaits an admin's approval");
      return await session(user);
    } catch (err) {
      if (err instanceof WorkGateBusyError) throw busy(reply, err.retryAfterMs);
      throw err;
    } finally {
      // Not checked (gate full, store down): neither a failure nor a success. A no-op once settled.
      attempt.abandoned();
    }
  });

  // A new token for a still-valid one, which is revoked: rotation, so a copy of the old token is
  // worth nothing once its owner refreshed, and of two refreshes with one token only the first wins.
  app.post('/refresh', async (req): Promise<LoginResponse> => {
    const { token } = await current(req.headers.authorization);
    if (!ctx.tokens.refreshable(token)) throw unauthorized('the session reached its maximum age; sign in again');
    if (!(await revokeToken(ctx.stores, token))) throw unauthorized('invalid or expired token');
    // Claims from the record as it is now: a role or facility change since the login takes effect.
    const record = await ctx.stores.users.get(token.userId);
    if (!record || record.disabled) throw unauthorized('invalid or expired token');
    return session(record, token.sessionStartedAt);
  });

  // Revokes the token it is called with (contract §4.1); its sockets close within seconds (socket-server).
  app.post('/logout', async (req, reply) => {
    const { token } = await current(req.headers.authorization);
    await revokeToken(ctx.stores, token);
    return reply.status(204).send();
  });
};
