import type { StoreReachability } from '@vigil/stores';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RETRY_AFTER_S, unavailable } from './errors.ts';
import type { GatewayMetrics } from './metrics.ts';

/** Every REST route reads the stores (a token is checked against them before anything else). */
const NEEDS_STORES = /^\/api(\/|\?|$)/;

/**
 * Issue 13 item 6, "fail fast, say so": while the stores are unreachable, REST answers 503
 * `unavailable` with `Retry-After` instead of waiting for them, and within 2 s:
 *
 * - a request that arrives while they are unreachable is refused before it touches them;
 * - a request already waiting on them when they stop answering is answered 503 as soon as that is
 *   noticed (reachability.ts: within 1.25 s). Its handler still waits on its commands, which run
 *   when Redis is back (the stores' commands never fail, see reachability.ts): the outcome of a
 *   change answered this way is unknown, and a retry finds it done or not (docs/api.md "Errors").
 *
 * Nothing needs a restart: the gate opens with the first PING answered.
 */
export function failFast(app: FastifyInstance, reachability: StoreReachability, stats: GatewayMetrics): void {
  const waiting = new Map<FastifyRequest, FastifyReply>();
  const release = (req: FastifyRequest) => waiting.delete(req);

  app.addHook('onRequest', async (req, reply) => {
    if (!NEEDS_STORES.test(req.url)) return;
    if (!reachability.reachable()) throw unavailable();
    waiting.set(req, reply);
    // A client that gives up, or an answer sent, ends the wait either way.
    req.raw.once('close', () => release(req));
  });
  app.addHook('onResponse', async (req) => {
    release(req);
  });

  reachability.onChange((reachable) => {
    if (reachable) return;
    for (const [req, reply] of [...waiting]) answerUnavailable(req, reply, stats);
    waiting.clear();
  });
}

/**
 * Answers a request whose handler is still running. The reply is hijacked first, so that when the
 * handler finally returns (Redis back) fastify drops its result instead of sending a second answer;
 * hijacked replies skip the hooks, so the headers the hooks would set are set here.
 */
function answerUnavailable(req: FastifyRequest, reply: FastifyReply, stats: GatewayMetrics): void {
  if (reply.sent || reply.raw.headersSent) return;
  reply.hijack();
  const err = unavailable();
  const body = { error: { code: err.code, message: err.message, details: err.details } };
  const status = err.statusCode;
  reply.raw
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': String(RETRY_AFTER_S),
    })
    .end(JSON.stringify(body));
  stats.httpRequest(req.method, req.routeOptions.url ?? 'unmatched', status);
  req.log.warn({ route: req.routeOptions.url }, 'request answered 503: the stores stopped answering while it waited');
}
