import type { TokenService } from '@vigil/auth';
import type { Clock, Logger } from '@vigil/runtime';
import type { Stores } from '@vigil/stores';
import { resolveSession } from '../auth-guard.ts';
import type { VigilSocket } from './types.ts';

/** How often every socket's token is checked again; with the check itself, well inside contract §2's 5 s. */
export const SESSION_CHECK_MS = 2_000;

export interface SessionWatchDeps {
  stores: Stores;
  tokens: TokenService;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
}

/**
 * Contract §2: "a socket whose user is disabled, or whose token expires or is revoked, is disconnected
 * (within 5 s)". Each gateway checks its own sockets' tokens every `SESSION_CHECK_MS` exactly as a REST
 * request is checked (resolveSession: signature and expiry, revocation, cut-off, the user record),
 * against the shared stores, so a logout or a disable on one gateway reaches sockets on every other
 * without relying on a Socket.IO adapter. A socket that fails is disconnected by the server, which
 * Socket.IO clients do not retry on their own: the board signs in again.
 */
export class SessionWatch {
  private readonly watched = new Map<string, { socket: VigilSocket; token: string }>();
  private cancel: (() => void) | undefined;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly log: Logger;

  constructor(private readonly deps: SessionWatchDeps) {
    this.intervalMs = deps.intervalMs ?? SESSION_CHECK_MS;
    this.log = deps.logger.child({ module: 'session-watch' });
  }

  watch(socket: VigilSocket, token: string): void {
    this.watched.set(socket.id, { socket, token });
    socket.on('disconnect', () => this.watched.delete(socket.id));
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.watched.clear();
  }

  /** The next check starts once this one is over: a slow store never stacks checks up. */
  private schedule(): void {
    if (this.stopped) return;
    this.cancel = this.deps.clock.setTimeout(() => {
      // check() never rejects: each socket's failure is caught and logged there.
      void this.check().finally(() => this.schedule());
    }, this.intervalMs);
  }

  private async check(): Promise<void> {
    await Promise.all(
      [...this.watched.values()].map(async ({ socket, token }) => {
        try {
          if (await resolveSession(this.deps.stores, this.deps.tokens, token)) return;
          this.log.info({ userId: socket.data.user.id }, 'socket closed: its session ended');
          socket.disconnect(true);
        } catch (err) {
          // Stores unreachable: keep the socket (REST fails fast meanwhile) and check again next time.
          this.log.warn({ err, userId: socket.data.user.id }, 'session check failed');
        }
      }),
    );
  }
}
