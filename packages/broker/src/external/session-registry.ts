import { type Clock, systemClock } from '@vigil/runtime';

export interface RegisteredSession {
  /** The MQTT client id of a worker's persistent session. */
  clientId: string;
  /** Until its heartbeat lapses, by the registry's own clock; ≤ 0 once it has. */
  expiresInMs: number;
}

/**
 * Where the engine workers of one shared subscription announce their persistent MQTT sessions, so a
 * live worker can adopt the session of one that died: Mosquitto keeps routing a dead member's share
 * to its offline session (it does not hand it to the other members), so someone must connect with
 * that client id to receive it. Implementations: `MemorySessionRegistry` (one process, tests) and
 * `RedisSessionRegistry` in @vigil/stores (several processes).
 */
export interface SessionRegistry {
  /** Registers or refreshes a live worker's session; it counts as dead `ttlMs` after the last call. */
  heartbeat(clientId: string, ttlMs: number): Promise<void>;
  list(): Promise<RegisteredSession[]>;
  /** True for the one caller that may adopt `clientId` for the next `leaseMs`. */
  claimAdoption(clientId: string, leaseMs: number): Promise<boolean>;
  /** Gives a claim up before its lease ends (the adopter stopped without finishing). */
  releaseAdoption(clientId: string): Promise<void>;
  /** Forgets the session and any claim on it: it was ended on the broker. */
  remove(clientId: string): Promise<void>;
}

/** The registry of a single process (and of tests), on an injected clock. */
export class MemorySessionRegistry implements SessionRegistry {
  private readonly sessions = new Map<string, number>();
  private readonly claims = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {}

  async heartbeat(clientId: string, ttlMs: number): Promise<void> {
    this.sessions.set(clientId, this.clock.now() + ttlMs);
  }

  async list(): Promise<RegisteredSession[]> {
    const now = this.clock.now();
    return [...this.sessions].map(([clientId, expiresAt]) => ({ clientId, expiresInMs: expiresAt - now }));
  }

  async claimAdoption(clientId: string, leaseMs: number): Promise<boolean> {
    const now = this.clock.now();
    if ((this.claims.get(clientId) ?? 0) > now) return false;
    this.claims.set(clientId, now + leaseMs);
    return true;
  }

  async releaseAdoption(clientId: string): Promise<void> {
    this.claims.delete(clientId);
  }

  async remove(clientId: string): Promise<void> {
    this.sessions.delete(clientId);
    this.claims.delete(clientId);
  }
}
