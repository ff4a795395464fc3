import { createServer, type Server } from 'node:http';
import type { Logger } from '@vigil/runtime';
import type { Registry } from 'prom-client';

/**
 * An engine worker's only HTTP surface (VIGIL_ROLE=engine): the probes and metrics of contract §4.1
 * (`/healthz`, `/readyz`, `/metrics`), without REST or Socket.IO, so orchestrators can watch it.
 */
export class ProbeServer {
  private readonly server: Server;

  /** `log`: where a failed metrics collection is reported (the scraper itself only sees a 500). */
  constructor(registry: Registry, ready: () => boolean, log?: Logger) {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return json(405, { error: { code: 'method_not_allowed', message: 'only GET' } });
      if (path === '/healthz') return json(200, { status: 'ok' });
      if (path === '/readyz') return ready() ? json(200, { status: 'ready' }) : json(503, { status: 'not_ready' });
      if (path === '/metrics') {
        registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (err: unknown) => {
            log?.error({ err }, 'metrics collection failed');
            json(500, { error: { code: 'internal', message: 'metrics unavailable' } });
          },
        );
        return;
      }
      json(404, { error: { code: 'not_found', message: `no route ${path}` } });
    });
  }

  /** Resolves with the port actually bound (0 picks a free one). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new Error(`HTTP port ${port} is already in use`, { cause: err }) : err),
      );
      this.server.listen(port, host === 'localhost' ? '127.0.0.1' : host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
