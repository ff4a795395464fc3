import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { VitalsFeed } from '@vigil/engine';
import { Registry } from 'prom-client';
import { buildApp } from './app.ts';
import { AuditRecorder } from './audit.ts';
import type { GatewayDeps, RealtimeHooks } from './context.ts';
import { GatewayMetrics } from './metrics.ts';
import type { Receipt } from './realtime/receipts.ts';
import { createRealtime } from './realtime/socket-server.ts';
import type { RegisteredRoute } from './route-table.ts';
import type { VigilServer } from './realtime/types.ts';

export type { GatewayDeps } from './context.ts';
export type { AuthUser } from './auth-guard.ts';
export type { Receipt } from './realtime/receipts.ts';
export type { RegisteredRoute } from './route-table.ts';
export type { VigilServer } from './realtime/types.ts';
export { toErrorResponse } from './app.ts';
export * from './realtime/vitals-relay.ts';

export interface Gateway {
  app: FastifyInstance;
  io: VigilServer;
  /** Where the engine publishes live vitals; throttled to 1/s per resident (contract §2). */
  vitalsFeed: VitalsFeed;
  /** Delivery receipts by alert id (contract §2 `receipt`), for escalation and SLA. */
  readonly receipts: ReadonlyMap<string, readonly Receipt[]>;
  /** Every REST route served (filled as fastify registers them, complete once listening). */
  readonly routes: readonly RegisteredRoute[];
  /** Resolves with the port actually bound (0 picks a free one). */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** How long `close()` lets open requests finish before it cuts the remaining connections. */
const CLOSE_GRACE_MS = 2_000;

/** REST and Socket.IO on one HTTP port (contract §2, §4). Constructing only wires; `listen` starts. */
export function createGateway(deps: GatewayDeps): Gateway {
  const hooks: RealtimeHooks = { consentChanged: async () => {}, socketsConnected: () => 0 };
  const stats = new GatewayMetrics(deps.registry ?? new Registry(), () => hooks.socketsConnected());
  const audit = new AuditRecorder(
    deps.stores.audit,
    deps.clock,
    deps.logger.child({ module: 'audit' }),
    stats,
    deps.auditOptions,
  );
  const routes: RegisteredRoute[] = [];
  const app = buildApp({ ...deps, stats, realtime: hooks, audit }, routes);
  const realtime = createRealtime(app.server, { ...deps, stats, audit });
  hooks.consentChanged = (r) => realtime.consentChanged(r);
  hooks.socketsConnected = () => realtime.socketsConnected();
  // Sockets first: an open WebSocket would otherwise hold the HTTP server's close (dependencies.md order).
  app.addHook('preClose', async () => {
    realtime.close();
  });

  // Every TCP connection, so a shutdown cannot be held open by one that outlives it: a board that
  // reconnects while the gateway stops, or an upgraded WebSocket the HTTP server no longer tracks.
  const connections = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });

  let closing: Promise<void> | undefined;
  return {
    app,
    io: realtime.io,
    vitalsFeed: realtime.vitalsFeed,
    routes,
    get receipts() {
      return realtime.receipts.all;
    },
    async listen(port, host = '0.0.0.0') {
      try {
        // `localhost` would make fastify bind extra servers that Socket.IO is not attached to.
        await app.listen({ port, host: host === 'localhost' ? '127.0.0.1' : host });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new Error(`HTTP port ${port} is already in use`, { cause: err });
        }
        throw err;
      }
      const address = app.server.address();
      return typeof address === 'object' && address !== null ? address.port : port;
    },
    close() {
      closing ??= (async () => {
        // In-flight requests get a short grace; then whatever is left is cut (bounded shutdown).
        const cut = setTimeout(() => {
          for (const socket of connections) socket.destroy();
        }, CLOSE_GRACE_MS);
        try {
          await app.close();
        } finally {
          clearTimeout(cut);
        }
        // After the last request and socket: the audit entries they started reach the store before
        // the composition root closes it.
        await audit.flush();
      })();
      return closing;
    },
  };
}
