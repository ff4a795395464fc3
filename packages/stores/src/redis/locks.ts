import { randomUUID } from 'node:crypto';
import { KeyedLock } from '../memory/locks.ts';
import { type LockService, LockTimeoutError } from '../types.ts';
import type { BlindIndex } from './blind-index.ts';
import { type Keys, LuaScript, type RedisClient } from './script.ts';

export interface RedisLockOptions {
  /** How long a lock outlives its holder's last renewal (default 10 s): a killed process's locks free themselves after this. */
  leaseMs?: number;
  /** How long `run` waits for a lock before it rejects with `LockTimeoutError` (default 30 s). */
  acquireTimeoutMs?: number;
}

const DEFAULT_LEASE_MS = 10_000;
const DEFAULT_ACQUIRE_TIMEOUT_MS = 30_000;
/** Backoff between attempts on a held lock: short at first (most holds last a few ms), capped. */
const FIRST_RETRY_MS = 2;
const MAX_RETRY_MS = 50;

/** Extends the lease if the token still holds the lock. KEYS: lock; ARGV: token, leaseMs. */
const RENEW = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

/** Deletes the lock if the token still holds it (never a lock another holder took after our lease). KEYS: lock; ARGV: token. */
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * Locks across processes on one Redis, `lock:<key>`: first a local keyed lock, so contention inside
 * a process never polls Redis, then a Redis mutex (`SET NX PX` with a random token, retried with
 * jittered backoff), renewed every lease/3 while `fn` runs and released by a compare-token DEL.
 *
 * A single-Redis lease lock without fencing tokens (not Redlock). Sufficient here because every
 * protected write is also idempotent or re-read under the lock (deterministic ids, state checks
 * before each transition), so the rare overlap costs at most a repeated, harmless write, never a
 * duplicate alert or task. Its limit: a holder paused (GC, stopped VM) for longer than the lease
 * loses the lock without knowing, and its late writes may interleave with the next holder's. A
 * failover to a replica that had not yet received the lock key has the same effect.
 */
export class RedisLockService implements LockService {
  private readonly local = new KeyedLock();
  private readonly renewals = new Set<ReturnType<typeof setInterval>>();
  private readonly leaseMs: number;
  private readonly acquireTimeoutMs: number;
  private closed = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    opts: RedisLockOptions = {},
    /**
     * With encryption at rest, lock names go to Redis as keyed hashes: an alert's lock is named by
     * facility, resident and kind (`alert:f1|r1|vital.spo2_low`), which says who has which condition now
     * (issue 13 LOW, as the open-alert index). Every process must name them alike: upgrade together.
     */
    private readonly blind?: BlindIndex,
  ) {
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
    this.acquireTimeoutMs = opts.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
  }

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.local.run(key, () => this.exclusive(key, fn));
  }

  /** Stops every renewal (their locks then lapse after the lease) and refuses new acquisitions. */
  close(): void {
    this.closed = true;
    for (const t of this.renewals) clearInterval(t);
    this.renewals.clear();
  }

  private async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lockKey = this.keys.keyFor('lock', this.blind ? this.blind.of(key) : key);
    const token = randomUUID();
    await this.acquire(key, lockKey, token);
    const renewal = setInterval(() => {
      // A failed or lost renewal cannot stop `fn`; the lease decides (see the class comment).
      RENEW.run(this.redis, [lockKey], [token, this.leaseMs]).catch(() => undefined);
    }, this.leaseMs / 3);
    renewal.unref?.();
    this.renewals.add(renewal);
    try {
      return await fn();
    } finally {
      clearInterval(renewal);
      this.renewals.delete(renewal);
      // A release that fails (connection lost) leaves the lock to lapse after its lease; the work
      // itself succeeded or failed on its own, so its result stands.
      await RELEASE.run(this.redis, [lockKey], [token]).catch(() => undefined);
    }
  }

  private async acquire(key: string, lockKey: string, token: string): Promise<void> {
    const giveUpAt = Date.now() + this.acquireTimeoutMs;
    let backoff = FIRST_RETRY_MS;
    for (;;) {
      if (this.closed) throw new Error(`lock ${key}: the stores are closed`);
      if ((await this.redis.set(lockKey, token, 'PX', this.leaseMs, 'NX')) === 'OK') return;
      if (Date.now() >= giveUpAt) {
        throw new LockTimeoutError(`lock ${key} not acquired within ${this.acquireTimeoutMs} ms`);
      }
      // Full jitter in [backoff/2, backoff]: waiters from several processes do not retry in step.
      await sleep(backoff / 2 + Math.random() * (backoff / 2));
      backoff = Math.min(backoff * 2, MAX_RETRY_MS);
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
