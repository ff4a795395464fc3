import type { FastifyPluginAsync } from 'fastify';
import type { RouteOptions } from '../context.ts';

/** Liveness, readiness and metrics (contract §4.1); no authentication, as probes expect. */
export const healthRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    // Extension `reason`: the stores do not answer (fail-fast.ts), or the process is starting or stopping.
    if (ctx.reachability && !ctx.reachability.reachable())
      return reply.status(503).send({ status: 'not_ready', reason: 'redis_unreachable' });
    const ready = ctx.ready?.() ?? true;
    if (!ready) return reply.status(503).send({ status: 'not_ready' });
    return { status: 'ready' };
  });

  app.get('/metrics', async (_req, reply) => {
    const { registry } = ctx.stats;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
};
