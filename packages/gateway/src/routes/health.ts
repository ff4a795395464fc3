import type { FastifyPluginAsync } from 'fastify';
import type { RouteOptions } from '../context.ts';

/** Liveness, readiness and metrics (contract §4.1); no authentication, as probes expect. */
export const healthRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const ready = ctx.ready?.() ?? true;
    if (!ready) return reply.status(503).send({ status: 'not_ready' });
    return { status: 'ready' };
  });

  app.get('/metrics', async (_req, reply) => {
    let extra: string | undefined;
    try {
      extra = ctx.metrics?.();
    } catch (err) {
      // A broken metrics source must not hide the gateway's own metrics.
      app.log.warn({ err }, 'extra metrics failed');
    }
    return reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(ctx.stats.render(ctx.realtime.socketsConnected(), extra));
  });
};
