import type { Clock, Logger } from '@vigil/runtime';
import type { SessionRegistry } from './session-registry.ts';

export interface SessionKeeperTimings {
  /** How often a worker refreshes its registration. Default 1 s. */
  heartbeatMs?: number;
  /** Registration lifetime: a worker silent this long counts as dead. Default 5 s. */
  ttlMs?: number;
  /** How often the registry is scanned for dead workers' sessions. Default 1 s. */
  scanMs?: number;
  /** How long an adoption claim excludes other adopters. Default 30 s. */
  leaseMs?: number;
}

export interface SessionKeeperOptions extends SessionKeeperTimings {
  registry: SessionRegistry;
  /** This worker's own client id (never adopted by itself). */
  clientId: string;
  /**
   * Whether this worker can take its share now (connected to the broker). While it cannot, it stops
   * heartbeating, so a worker cut off from the broker but not from the registry has its session
   * adopted like a dead one instead of letting its share queue up. Default: always.
   */
  alive?: () => boolean;
  /** Starts adopting a claimed session; settles when the adoption is over, whatever its outcome. */
  adopt: (clientId: string) => Promise<unknown>;
  clock: Clock;
  log: Logger;
}

/**
 * A worker's membership of the session registry: heartbeats its own session, and looks for sessions
 * whose heartbeat lapsed (a worker that died without ending its session), claims them one adopter
 * each, and adopts them. Registry outages are logged and retried at the next tick.
 */
export class SessionKeeper {
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private readonly scanMs: number;
  private readonly leaseMs: number;
  private readonly adopting = new Set<string>();
  private cancels: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly opts: SessionKeeperOptions) {
    this.heartbeatMs = opts.heartbeatMs ?? 1_000;
    this.ttlMs = opts.ttlMs ?? 5_000;
    this.scanMs = opts.scanMs ?? 1_000;
    this.leaseMs = opts.leaseMs ?? 30_000;
  }

  /** Registers this worker (rejects if the registry cannot be reached), then keeps it registered. */
  async start(): Promise<void> {
    await this.opts.registry.heartbeat(this.opts.clientId, this.ttlMs);
    this.every(this.heartbeatMs, () => this.heartbeat(), 'heartbeat');
    this.every(this.scanMs, () => this.scan(), 'adoption scan');
  }

  /** Stops heartbeating and scanning (adoptions under way are the caller's to stop). */
  stop(): void {
    this.stopped = true;
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  /** One tick after the previous one finished, so a slow registry never piles calls up. */
  private every(ms: number, tick: () => Promise<unknown>, what: string): void {
    const schedule = () => {
      const cancel = this.opts.clock.setTimeout(() => {
        this.cancels = this.cancels.filter((c) => c !== cancel);
        tick()
          .catch((err: unknown) => this.opts.log.warn({ err }, `session registry ${what} failed`))
          .finally(() => {
            if (!this.stopped) schedule();
          });
      }, ms);
      this.cancels.push(cancel);
    };
    schedule();
  }

  private async heartbeat(): Promise<void> {
    if (this.opts.alive && !this.opts.alive()) return;
    await this.opts.registry.heartbeat(this.opts.clientId, this.ttlMs);
  }

  private async scan(): Promise<void> {
    const { registry, clientId, log } = this.opts;
    for (const session of await registry.list()) {
      if (this.stopped) return;
      if (session.expiresInMs > 0 || session.clientId === clientId || this.adopting.has(session.clientId)) continue;
      if (!(await registry.claimAdoption(session.clientId, this.leaseMs))) continue;
      if (this.stopped) {
        await registry.releaseAdoption(session.clientId);
        return;
      }
      log.warn(
        { adoptedClientId: session.clientId, lapsedMs: -session.expiresInMs },
        'worker session lapsed, adopting',
      );
      this.adopting.add(session.clientId);
      // A failed adoption (registry or broker away) leaves the claim to lapse after its lease: the next
      // scan, here or on a peer, adopts the session again. Logged, never an unhandled rejection.
      const adoptedClientId = session.clientId;
      this.opts
        .adopt(adoptedClientId)
        .catch((err: unknown) => log.warn({ err, adoptedClientId }, 'adoption failed, retried after its lease'))
        .finally(() => this.adopting.delete(adoptedClientId));
    }
  }
}
