import helmet from '@fastify/helmet';
import { ConflictError } from '@vigil/stores';
import { DomainError } from '@vigil/engine';
import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ApiErrorBody } from '@vigil/contracts';
import { authenticate } from './auth-guard.ts';
import type { GatewayContext } from './context.ts';
import { ApiError, RETRY_AFTER_S, STATUS_OF } from './errors.ts';
import { failFast } from './fail-fast.ts';
import { alertStatsRoutes } from './routes/alert-stats.ts';
import { alertRoutes } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { deviceRoutes } from './routes/devices.ts';
import { facilityRoutes } from './routes/facilities.ts';
import { healthRoutes } from './routes/health.ts';
import { residentFhirRoutes } from './routes/resident-fhir.ts';
import { residentImportRoutes } from './routes/resident-import.ts';
import { residentTransferRoutes } from './routes/resident-transfer.ts';
import { residentRoutes } from './routes/residents.ts';
import { slaRoutes } from './routes/sla.ts';
import { taskRoutes } from './routes/tasks.ts';
import { userRoutes } from './routes/users.ts';
import { type RegisteredRoute, recordRoutes } from './route-table.ts';
import { registerStatic } from './static.ts';

/** Request bodies above this are refused with 413 (the largest real body, a user or facility, is ~100 KiB). */
export const BODY_LIMIT_BYTES = 256 * 1024;

/** Fastify app with every REST route (contract §4); Socket.IO is attached to `app.server` separately. */
export function buildApp(ctx: GatewayContext, routes: RegisteredRoute[] = []): FastifyInstance {
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Request lines carry resident ids; errors are logged by the error handler instead.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // `req.ip` is what failed logins back off under (routes/auth.ts): the client's, never the proxy's.
    trustProxy: ctx.trustProxy ? [...ctx.trustProxy] : false,
  }) as unknown as FastifyInstance;
  // Before any route: the table is what the access matrix test walks (route-table.ts).
  recordRoutes(app, routes);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('user', null);

  // An empty JSON body (a POST /ack with a content-type but nothing in it) is "no body", not an error.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') done(null, undefined);
    else void defaultJson(req, text, done);
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toErrorResponse(err);
    // Refused because the stores are unreachable (fail-fast.ts): expected while Redis is away, and
    // logged by the stores already; the client learns when to try again.
    if (body.error.code === 'unavailable') void reply.header('retry-after', String(RETRY_AFTER_S));
    else if (status >= 500) req.log.error({ err, route: req.routeOptions.url }, 'request failed');
    void reply.status(status).send(body);
  });

  // Contract §4.2: responses with resident data carry `Cache-Control: no-store`. Every API answer
  // does (errors and tokens included), so no route can forget it and no shared cache keeps one.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    ctx.stats.httpRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode);
  });
  // Before any route reads the stores: refuse at once while they are unreachable (issue 13 item 6).
  if (ctx.reachability) failFast(app, ctx.reachability, ctx.stats);

  void app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // uPlot and Preact set style attributes at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        // Boards are served over plain HTTP on a care-home LAN; upgrading would break them.
        upgradeInsecureRequests: null,
      },
    },
  });

  const spaFallback = ctx.boardDir ? registerStatic(app, ctx.boardDir) : undefined;
  app.setNotFoundHandler((req, reply) => {
    if (spaFallback?.(req, reply)) return;
    void reply.status(404).send(errorBody('not_found', `route ${req.method} ${req.url.split('?')[0]} not found`));
  });

  void app.register(healthRoutes, { ctx });
  void app.register(authRoutes, { ctx, prefix: '/api/auth' });
  void app.register(
    async (api) => {
      api.addHook('onRequest', authenticate(ctx.stores, ctx.tokens));
      await api.register(facilityRoutes, { ctx, prefix: '/facilities' });
      await api.register(userRoutes, { ctx, prefix: '/users' });
      await api.register(residentRoutes, { ctx, prefix: '/residents' });
      await api.register(residentFhirRoutes, { ctx, prefix: '/residents' });
      await api.register(residentTransferRoutes, { ctx, prefix: '/residents' });
      await api.register(residentImportRoutes, { ctx, prefix: '/residents' });
      await api.register(deviceRoutes, { ctx, prefix: '/devices' });
      await api.register(alertRoutes, { ctx, prefix: '/alerts' });
      await api.register(alertStatsRoutes, { ctx, prefix: '/alerts' });
      await api.register(taskRoutes, { ctx, prefix: '/tasks' });
      await api.register(slaRoutes, { ctx, prefix: '/sla' });
      await api.register(auditRoutes, { ctx, prefix: '/audit' });
    },
    { prefix: '/api' },
  );
  return app;
}

const errorBody = (code: ApiErrorBody['error']['code'], message: string, details?: unknown): ApiErrorBody => ({
  error: { code, message, ...(details !== undefined ? { details } : {}) },
});

/** Every error becomes `{ error: { code, message } }` (contract §4); never a stack trace. */
export function toErrorResponse(err: unknown): { status: number; body: ApiErrorBody } {
  if (err instanceof ApiError) return { status: err.statusCode, body: errorBody(err.code, err.message, err.details) };
  if (hasZodFastifySchemaValidationErrors(err)) {
    const details = err.validation.map((v) => ({ path: v.instancePath, message: v.message }));
    const where = (err as { validationContext?: string }).validationContext ?? 'request';
    return { status: 400, body: errorBody('invalid_input', `invalid ${where}`, details) };
  }
  if (err instanceof DomainError)
    return { status: STATUS_OF[err.code], body: errorBody(err.code, err.message, err.details) };
  if (err instanceof ConflictError) return { status: 409, body: errorBody('conflict', err.message) };
  const status = (err as FastifyError | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own 4xx (bad JSON, body too large, bad content type): its messages carry no internals.
    const message = (err as Error).message;
    if (status === 413) return { status, body: errorBody('payload_too_large', message) };
    if (status === 404) return { status, body: errorBody('not_found', message) };
    if (status === 429) return { status, body: errorBody('rate_limited', message) };
    if (status === 401) return { status, body: errorBody('unauthorized', message) };
    if (status === 403) return { status, body: errorBody('forbidden', message) };
    return { status, body: errorBody('invalid_input', message) };
  }
  return { status: 500, body: errorBody('internal', 'internal error') };
}
