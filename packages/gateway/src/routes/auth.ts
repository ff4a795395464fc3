import { verifyAgainstDecoy, verifySecret } from '@vigil/auth';
import { LoginRequest, type LoginResponse, toIso } from '@vigil/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteOptions } from '../context.ts';
import { ApiError, forbidden, unauthorized } from '../errors.ts';

/** POST /api/auth/login (contract §4.1). */
export const authRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const limit = ctx.loginRateLimit ?? { max: 10, timeWindowMs: 60_000 };
  app.post(
    '/login',
    {
      schema: { body: LoginRequest },
      config: {
        rateLimit: {
          max: limit.max,
          timeWindow: limit.timeWindowMs,
          // After validation, so the key can include the username: one attacker cannot lock out a whole
          // care home behind one NAT address, and one account cannot be guessed from many tabs.
          hook: 'preHandler',
          keyGenerator: (req) => `${req.ip}|${String((req.body as { username?: unknown }).username).toLowerCase()}`,
          errorResponseBuilder: (_req, c) =>
            new ApiError('rate_limited', `too many login attempts; retry in ${c.after}`),
        },
      },
    },
    async (req): Promise<LoginResponse> => {
      const { username, password } = req.body;
      const user = await ctx.stores.users.getByUsername(username);
      // Unknown users cost the same argon2 verification as known ones: no enumeration by timing.
      const ok = user ? await verifySecret(user.passwordHash, password) : await verifyAgainstDecoy(password);
      if (!user || !ok) throw unauthorized('invalid username or password');
      // After the password, so only the account's owner learns it exists and waits (issue 13).
      if (user.pendingApproval) throw forbidden("this account awaits an admin's approval");
      const { token, expiresAt } = await ctx.tokens.issue({
        userId: user.id,
        role: user.role,
        facilityIds: user.facilityIds,
      });
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
    },
  );
};
