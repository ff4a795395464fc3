import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Paths that belong to the API; they never fall back to the board's index.html. */
const NOT_BOARD = /^\/(api|socket\.io|healthz|readyz|metrics)(\/|$|\?)/;

/**
 * Serves the built dashboards at `/` (contract §5). Returns the SPA fallback for the not-found
 * handler: a deep link such as `/board/caregiver` gets index.html and the client router takes over.
 */
export function registerStatic(app: FastifyInstance, boardDir: string) {
  void app.register(fastifyStatic, {
    root: boardDir,
    prefix: '/',
    // Vite fingerprints assets, so they may be cached; index.html is revalidated on every load.
    setHeaders: (res, path) => {
      res.setHeader('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
  return (req: FastifyRequest, reply: FastifyReply): boolean => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_BOARD.test(req.url)) return false;
    // Only requests that want a page; a missing /assets/x.js stays a 404.
    if (!(req.headers.accept ?? '').includes('text/html')) return false;
    void reply.header('cache-control', 'no-cache').sendFile('index.html');
    return true;
  };
}
