import type { Redis } from 'ioredis';
import { Keys, LuaScript } from './script.ts';

/**
 * Structurally the `SessionRegistry` port of @vigil/broker (external/session-registry.ts), which
 * depends on this package and not the other way round.
 */
export interface RedisRegisteredSession {
  clientId: string;
  /** Until its heartbeat lapses, by Redis's clock; ≤ 0 once it has. */
  expiresInMs: number;
}

// Expiry times are taken from Redis's TIME, never a worker's clock: workers on different hosts
// compare them, and a skewed clock would make a live worker look dead (or a dead one alive).
const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: sessions zset. ARGV: clientId, ttlMs. */
const HEARTBEAT = new LuaScript(`${NOW_MS}
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return now`);

/** KEYS: sessions zset. Returns { now, clientId, expiresAt, clientId, expiresAt, ... }. */
const LIST = new LuaScript(`${NOW_MS}
local r = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
table.insert(r, 1, tostring(now))
return r`);

/**
 * The engine workers' MQTT session registry on Redis: `{prefix}mqtt-sessions`, a sorted set of client
 * id → heartbeat expiry (Redis ms), and `{prefix}mqtt-adopt:{clientId}`, the adoption claim (SET NX PX,
 * so exactly one worker holds it until the lease ends). Takes a client it does not own or close.
 */
export class RedisSessionRegistry {
  private readonly keys: Keys;
  private readonly sessions: string;

  constructor(
    private readonly redis: Redis,
    keyPrefix = '',
  ) {
    this.keys = new Keys(keyPrefix);
    this.sessions = this.keys.key('mqtt-sessions');
  }

  private claimKey(clientId: string): string {
    return this.keys.keyFor('mqtt-adopt', clientId);
  }

  async heartbeat(clientId: string, ttlMs: number): Promise<void> {
    await HEARTBEAT.run(this.redis, [this.sessions], [clientId, Math.max(1, Math.round(ttlMs))]);
  }

  async list(): Promise<RedisRegisteredSession[]> {
    const [now, ...pairs] = (await LIST.run(this.redis, [this.sessions])) as string[];
    const out: RedisRegisteredSession[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      out.push({ clientId: pairs[i] as string, expiresInMs: Number(pairs[i + 1]) - Number(now) });
    }
    return out;
  }

  async claimAdoption(clientId: string, leaseMs: number): Promise<boolean> {
    const ok = await this.redis.set(this.claimKey(clientId), '1', 'PX', Math.max(1, Math.round(leaseMs)), 'NX');
    return ok === 'OK';
  }

  async releaseAdoption(clientId: string): Promise<void> {
    await this.redis.del(this.claimKey(clientId));
  }

  async remove(clientId: string): Promise<void> {
    await this.redis.multi().zrem(this.sessions, clientId).del(this.claimKey(clientId)).exec();
  }
}
