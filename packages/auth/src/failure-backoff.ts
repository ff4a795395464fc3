import type { Clock } from '@vigil/runtime';
import { LRUCache } from 'lru-cache';
import { sourceKey } from './source-address.ts';

/**
 * Back-off after failed authentications (issue 13 "cheap where unauthenticated"; docs/security.md
 * "Login and CONNECT floods"), for logins (name = username) and device CONNECTs (name = device id).
 * Only failures count: a success is never limited, however many share an address (a facility's
 * wearables and staff sit behind one NAT). While a key backs off its attempts are refused without
 * verifying anything (no argon2id), so a flood costs a map lookup per attempt.
 *
 * Three keys, because one alone either locks the wrong people out or lets guessing through:
 * - (address, name), hard: one source guessing one account. After `pair.freeFailures`, one attempt
 *   per growing delay. This is the only key a colleague on the same NAT can use against a user, and it
 *   is capped at `pair.maxDelayMs` (a minute by default): they can slow a user down, never lock them out
 *   for long, and every failure is theirs to explain in the log.
 * - name, mild: one account guessed from many addresses. Skipped for a name that signed in from the
 *   same address within `trustMs`, so strangers elsewhere cannot lock a user out at their usual place.
 * - address, mild: one source spraying many names (the CPU flood). Skipped for trusted names too, so
 *   a sprayer behind the facility's NAT does not lock its staff or devices out.
 * A success clears the pair and the name and trusts the pair; the address keeps its count (an
 * attacker's own valid account must not wash its spraying clean).
 *
 * Attempts in flight count as failures until they settle, so a thousand parallel requests get
 * `freeFailures` verifications, not a thousand. State is per process and bounded (`maxKeys` per kind,
 * least recently used out first): a flood of random names evicts old entries, never grows memory.
 */
export interface BackoffPolicy {
  /** Failures before any delay. */
  freeFailures: number;
  /** The first delay; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface FailureBackoffOptions {
  clock: Clock;
  pair?: BackoffPolicy;
  name?: BackoffPolicy;
  address?: BackoffPolicy;
  /** A key's failures are forgotten this long after its last one (and once its delay is over). */
  forgetAfterMs?: number;
  /** How long a success from an address exempts that name there from the name and address keys. */
  trustMs?: number;
  /** Entries kept per kind (pair, name, address, trusted pair). */
  maxKeys?: number;
}

export const DEFAULT_BACKOFF = {
  pair: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 60_000 },
  // Only names not trusted there count on these two: a NAT's staff signing in as usual never do.
  name: { freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 30_000 },
  address: { freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 60_000 },
  forgetAfterMs: 15 * 60_000,
  trustMs: 30 * 24 * 3_600_000,
  maxKeys: 50_000,
} as const;

export type BackoffScope = 'pair' | 'name' | 'address';

/** An attempt let through: settle it exactly once (a `finally` that calls `abandoned` is safe after). */
export interface AuthAttempt {
  /** The name signed in from this address before: its verification may take the trusted lane. */
  readonly trusted: boolean;
  succeeded(): void;
  failed(): void;
  /** Not checked (server busy, store down): neither a failure nor a success. */
  abandoned(): void;
}

export type BackoffVerdict =
  | { allowed: true; attempt: AuthAttempt }
  | { allowed: false; scope: BackoffScope; retryAfterMs: number };

interface Entry {
  failures: number;
  pending: number;
  lockedUntil: number;
  lastFailureAt: number;
}

/**
 * A success wipes the key's record in place rather than deleting the entry: lru-cache empties its
 * whole store when the last entry goes (`fill` over `maxKeys` slots, ~0.3 ms at 50,000), and during a
 * connect storm the pair and name caches often hold just the attempts in flight, so 10,000 wearables
 * connecting spent 3.5 s of the event loop in it. A wiped entry counts as none (no failures, no
 * lock) and is forgotten like any other.
 */
function forgive(entry: Entry): void {
  entry.failures = 0;
  entry.lockedUntil = 0;
}

export class FailureBackoff {
  private readonly policies: Record<BackoffScope, BackoffPolicy>;
  private readonly entries: Record<BackoffScope, LRUCache<string, Entry>>;
  private readonly trusted: LRUCache<string, number>;
  private readonly forgetAfterMs: number;
  private readonly trustMs: number;

  constructor(private readonly opts: FailureBackoffOptions) {
    this.policies = {
      pair: opts.pair ?? DEFAULT_BACKOFF.pair,
      name: opts.name ?? DEFAULT_BACKOFF.name,
      address: opts.address ?? DEFAULT_BACKOFF.address,
    };
    const max = opts.maxKeys ?? DEFAULT_BACKOFF.maxKeys;
    this.entries = { pair: new LRUCache({ max }), name: new LRUCache({ max }), address: new LRUCache({ max }) };
    this.trusted = new LRUCache({ max });
    this.forgetAfterMs = opts.forgetAfterMs ?? DEFAULT_BACKOFF.forgetAfterMs;
    this.trustMs = opts.trustMs ?? DEFAULT_BACKOFF.trustMs;
  }

  /** May `name` try to authenticate from `remoteAddress` now? Cheap: map lookups only. */
  check(remoteAddress: string | undefined, name: string): BackoffVerdict {
    const now = this.opts.clock.now();
    const address = sourceKey(remoteAddress);
    const pairKey = `${address}\u0000${name}`;
    const trustedUntil = this.trusted.get(pairKey);
    const trusted = trustedUntil !== undefined && trustedUntil > now;
    const keys: [BackoffScope, string][] = trusted
      ? [['pair', pairKey]]
      : [
          ['pair', pairKey],
          ['name', name],
          ['address', address],
        ];
    let refusal: { scope: BackoffScope; retryAfterMs: number } | undefined;
    for (const [scope, key] of keys) {
      const wait = this.waitFor(scope, key, now);
      if (wait > 0 && (!refusal || wait > refusal.retryAfterMs)) refusal = { scope, retryAfterMs: wait };
    }
    if (refusal) return { allowed: false, ...refusal };
    const held = keys.map(([scope, key]) => {
      const entry = this.entry(scope, key, now);
      entry.pending++;
      return [scope, key, entry] as const;
    });
    let settled = false;
    const settle = (outcome: 'succeeded' | 'failed' | 'abandoned') => {
      if (settled) return;
      settled = true;
      const at = this.opts.clock.now();
      for (const [scope, key, entry] of held) {
        entry.pending = Math.max(0, entry.pending - 1);
        if (outcome === 'failed') this.fail(scope, key, entry, at);
        else if (outcome === 'succeeded' && scope !== 'address') forgive(entry);
      }
      if (outcome === 'succeeded') this.trusted.set(pairKey, at + this.trustMs);
    };
    return {
      allowed: true,
      attempt: {
        trusted,
        succeeded: () => settle('succeeded'),
        failed: () => settle('failed'),
        abandoned: () => settle('abandoned'),
      },
    };
  }

  /** Entries held, per kind: for tests and `/metrics`. */
  size(): Record<BackoffScope | 'trusted', number> {
    return {
      pair: this.entries.pair.size,
      name: this.entries.name.size,
      address: this.entries.address.size,
      trusted: this.trusted.size,
    };
  }

  /** 0 when the key may try now; otherwise how long until it may. */
  private waitFor(scope: BackoffScope, key: string, now: number): number {
    const entry = this.live(scope, key, now);
    if (!entry) return 0;
    if (entry.lockedUntil > now) return entry.lockedUntil - now;
    // Past its free failures a key gets one attempt at a time: parallel requests wait their turn.
    const used = entry.failures + entry.pending;
    if (used >= this.policies[scope].freeFailures && entry.pending > 0) return this.policies[scope].baseDelayMs;
    return 0;
  }

  private fail(scope: BackoffScope, key: string, entry: Entry, now: number): void {
    entry.failures++;
    entry.lastFailureAt = now;
    if (entry.failures >= this.policies[scope].freeFailures)
      entry.lockedUntil = now + this.delay(scope, entry.failures);
    // Re-set: refreshes its place in the LRU (and brings it back if evicted meanwhile).
    this.entries[scope].set(key, entry);
  }

  /** The delay after the `failures`-th failure: base, doubling, capped. */
  private delay(scope: BackoffScope, failures: number): number {
    const p = this.policies[scope];
    const steps = Math.max(0, failures - p.freeFailures);
    return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.min(steps, 30));
  }

  /** The entry, unless there is none or it is forgotten (quiet for `forgetAfterMs`, nothing in flight). */
  private live(scope: BackoffScope, key: string, now: number): Entry | undefined {
    const entry = this.entries[scope].get(key);
    if (!entry) return undefined;
    const quiet = entry.pending === 0 && entry.lockedUntil <= now && now - entry.lastFailureAt >= this.forgetAfterMs;
    if (!quiet) return entry;
    this.entries[scope].delete(key);
    return undefined;
  }

  private entry(scope: BackoffScope, key: string, now: number): Entry {
    const found = this.live(scope, key, now);
    if (found) return found;
    const fresh: Entry = { failures: 0, pending: 0, lockedUntil: 0, lastFailureAt: now };
    this.entries[scope].set(key, fresh);
    return fresh;
  }
}
