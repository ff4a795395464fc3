import type { Stores } from '../types.ts';
import { RedisAlertStore } from './alerts.ts';
import { RedisAuditStore, type RedisAuditOptions } from './audit.ts';
import { RedisDeadlineStore, RedisSlaWarningStore, RedisTaskStore } from './dispatch.ts';
import { RedisPolicyStore } from './policy.ts';
import { RedisDeviceStore } from './devices.ts';
import { RedisFacilityStore, RedisResidentStore, RedisUserStore } from './entities.ts';
import { InvalidationBus } from './invalidation-bus.ts';
import type { SnapshotCacheOptions } from './snapshot-cache.ts';
import { RedisEventLog, type RedisEventLogOptions } from './event-log.ts';
import { RedisCounterStore } from './ingest-state.ts';
import { type RedisLockOptions, RedisLockService } from './locks.ts';
import { RedisRuleSettingsStore, RedisRuleStateStore } from './rules.ts';
import { DEFAULT_ENCRYPTION_ALGORITHM, type EncryptionAlgorithm } from '../crypto/algorithms.ts';
import { DekKeyring } from '../crypto/keyring.ts';
import { FieldCipher } from '../crypto/field-cipher.ts';
import { Keys, type RedisClient } from './script.ts';
import { connectRedis, type RedisTarget } from './connection.ts';
import { moveToTaggedLayout } from './legacy-layout.ts';
import { BlindIndex } from './blind-index.ts';
import { Sealer } from './sealer.ts';
import { RedisVitalsHistory } from './vitals-history.ts';
import { RedisPartitionLog } from './partition-log.ts';
import { RedisPartitionCheckpointStore, RedisPartitionLeaseStore } from './partitions.ts';
import { RedisRevocationStore } from './revocations.ts';
import { type ReachabilityOptions, RedisReachability, type StoreReachability } from './reachability.ts';

export * from './alerts.ts';
export * from './audit.ts';
export * from './devices.ts';
export * from './dispatch.ts';
export * from './entities.ts';
export * from './event-log.ts';
export * from './ingest-state.ts';
export * from './invalidation-bus.ts';
export * from './locks.ts';
export * from './rules.ts';
export * from './sealer.ts';
export * from './vitals-history.ts';
export * from './partition-log.ts';
export * from './partitions.ts';
export * from './revocations.ts';
export * from './connection.ts';
export * from './reachability.ts';
export * from './slot.ts';
export type { SnapshotCacheOptions } from './snapshot-cache.ts';
export type { RedisClient } from './script.ts';

export interface RedisStoresOptions {
  /** Prefix of every key, so several deployments or test runs can share one server. */
  keyPrefix?: string;
  /** Clock of the event log ids, and the audit log's retention (the other stores take times as arguments). */
  now?: () => number;
  /** Event log retention and live tail (defaults: 24 h, no count cap). */
  events?: RedisEventLogOptions;
  /** Points kept per resident (default 20,000, as the memory ring). */
  vitalsCapacityPerResident?: number;
  /** Audit log retention (default 400 days). */
  audit?: RedisAuditOptions;
  /** Lease and acquire timeout of the cross-process locks (defaults: 10 s, 30 s). */
  locks?: RedisLockOptions;
  /**
   * Encryption at rest ("health data is encrypted at rest"; dependencies.md "field encryption"): with
   * a 32-byte key-encryption key, the health-bearing bodies (vitals history, rule memory, alerts, tasks,
   * residents, event data) are sealed with `algorithm` (AES-256-GCM by default, or SM4-CTR + HMAC-SM3)
   * under per-facility DEKs kept in Redis wrapped by it. Without it, everything is stored as plain JSON.
   */
  encryption?: { kek: Buffer; algorithm?: EncryptionAlgorithm };
  /** The connection's errors while it reconnects (Redis down), for the log; never thrown. */
  onConnectionError?: (err: unknown) => void;
  /**
   * Failures of background work nobody awaits (timed write-outs, which are tried again; the cache
   * invalidation subscriber), for the log. Default: `onConnectionError`.
   */
  onError?: (err: unknown) => void;
  /** The process-local snapshot cache of devices and residents (defaults: 100,000 each, 60 s). */
  cache?: SnapshotCacheOptions;
  /**
   * Write-behind of the per-sample writes (device live fields, accepted and duplicate counters, the
   * vitals history): how often they go out, in one round trip (default 1000 ms; 0 writes device
   * fields and counters through). `flush()` and `close()` write them out at once (docs/deploy.md
   * "Write-behind").
   */
  flushMs?: number;
  /** How Redis being unreachable is noticed (reachability.ts; defaults: a PING every 250 ms, 1 s). */
  reachability?: ReachabilityOptions;
}

export type RedisStores = Stores & {
  /** Writes out what these stores buffer in process (write-behind); resolves once Redis has it. */
  flush(): Promise<void>;
  /** Stops the event tail and the lock renewals, and closes the connections these stores opened (not a client passed in). */
  close(): Promise<void>;
  /**
   * The connection is up and Redis answers PINGs in time (not hung, loading or reconnecting):
   * `/readyz`. The same as `reachability.reachable()`.
   */
  connected(): boolean;
  /** Whether Redis answers now, and when that changes: REST and Socket.IO fail fast on it. */
  reachability: StoreReachability;
};

/** How long `close()` waits for buffered writes (Redis away: they would wait for it for ever). */
const CLOSE_FLUSH_MS = 5_000;

/** The write-out's error, a timeout's, or undefined once it is done. */
async function flushWithin(flushing: Promise<void>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Error>((resolve) => {
    timer = setTimeout(() => resolve(new Error(`buffered writes not written out within ${ms} ms (Redis away?)`)), ms);
  });
  try {
    return await Promise.race([
      flushing.then(
        () => undefined,
        (err: unknown) => err,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stream ids `<ms>-*` (the event log's ids from the injected clock) need Redis 7. */
const MIN_MAJOR = 7;

/**
 * Every store on one Redis or one Redis Cluster (architecture.md "state store (memory | Redis)"),
 * under `keyPrefix` (default `vigil:`). Takes a connected ioredis client (`Redis` or `Cluster`), which
 * stays the caller's to close, or a URL or `RedisTarget`, whose connection `close()` ends. The event
 * log's live tail and the partition log's wake-ups open one more connection each on first use. On a
 * cluster, every script and transaction touches keys of one hash slot (key-layout.ts).
 */
export async function createRedisStores(
  redis: RedisClient | string | RedisTarget,
  opts: RedisStoresOptions = {},
): Promise<RedisStores> {
  let client: RedisClient;
  let owned = false;
  if (typeof redis === 'string' || !('status' in redis)) {
    // No command fails because Redis is away (docs/deploy.md "Failure behaviour"): it waits in the
    // client's queue and runs once Redis is back. The default gives up after 20 reconnect attempts
    // (about 10 s), and a write dropped half-way through a record (its seq seen, its count or alert
    // not written) would lose an acknowledged message.
    client = await connectRedis(typeof redis === 'string' ? { url: redis } : redis, {
      enableAutoPipelining: true,
      maxRetriesPerRequest: null,
    });
    owned = true;
  } else {
    client = redis;
  }
  const onConnectionError = opts.onConnectionError;
  if (owned && onConnectionError) client.on('error', onConnectionError);
  const keys = new Keys(opts.keyPrefix ?? 'vigil:');
  try {
    const info = await client.info('server');
    const version = /redis_version:(\d+)\./.exec(info)?.[1];
    if (version !== undefined && Number(version) < MIN_MAJOR) {
      throw new Error(`Redis ${MIN_MAJOR} or newer is needed (the server is ${version}.x)`);
    }
    await moveToTaggedLayout(client, keys);
  } catch (err) {
    if (owned) client.disconnect();
    throw err;
  }

  const now = opts.now ?? Date.now;
  let sealer: Sealer | undefined;
  if (opts.encryption) {
    try {
      const algorithm = opts.encryption.algorithm ?? DEFAULT_ENCRYPTION_ALGORITHM;
      const keyring = new DekKeyring(client, keys, opts.encryption.kek, { algorithm });
      await keyring.verify();
      sealer = new Sealer(client, keys, new FieldCipher(keyring, { algorithm }));
    } catch (err) {
      if (owned) client.disconnect();
      throw err;
    }
  }
  const events = new RedisEventLog(client, keys, now, opts.events, sealer);
  // Index entries and lock names that would say which resident has which condition (blind-index.ts).
  const blind = opts.encryption ? new BlindIndex(opts.encryption.kek) : undefined;
  const locks = new RedisLockService(client, keys, opts.locks, blind);
  const uplinks = new RedisPartitionLog(client, keys, sealer, opts.events?.onError);
  const onError = opts.onError ?? onConnectionError ?? (() => undefined);
  const bus = new InvalidationBus(client, keys, onError);
  const writeBehind = { onError, ...(opts.flushMs !== undefined && { flushMs: opts.flushMs }) };
  const devices = new RedisDeviceStore(client, keys, bus, { ...writeBehind, ...(opts.cache && { cache: opts.cache }) });
  const counters = new RedisCounterStore(client, keys, writeBehind);
  const tasks = new RedisTaskStore(client, keys, sealer);
  const alerts = new RedisAlertStore(client, keys, sealer, blind);
  const slaWarnings = new RedisSlaWarningStore(client, keys, sealer);
  const vitals = new RedisVitalsHistory(client, keys, opts.vitalsCapacityPerResident, sealer, {
    onError,
    ...(opts.flushMs !== undefined && { flushMs: opts.flushMs }),
  });
  // Write-behind buffers, written out before every checkpoint, on hand-over and at close.
  const flush = async () => {
    await Promise.all([devices.flush(), counters.flush(), vitals.flush()]);
  };
  try {
    await tasks.backfillIndexes();
    await alerts.pages.backfill();
    await alerts.blindOpenIndex();
    await slaWarnings.backfillIndexes();
  } catch (err) {
    if (owned) client.disconnect();
    throw err;
  }
  // Wall-clock time, not the injected clock: this times a network, not the domain.
  const reachability = new RedisReachability(client, opts.reachability);
  reachability.start();
  return {
    facilities: new RedisFacilityStore(client, keys),
    users: new RedisUserStore(client, keys),
    residents: new RedisResidentStore(client, keys, bus, sealer, opts.cache),
    devices,
    counters,
    alerts,
    vitals,
    events,
    ruleSettings: new RedisRuleSettingsStore(client, keys),
    ruleState: new RedisRuleStateStore(client, keys, sealer),
    tasks,
    deadlines: new RedisDeadlineStore(client, keys),
    slaWarnings,
    policies: new RedisPolicyStore(client, keys),
    audit: new RedisAuditStore(client, keys, now, opts.audit),
    locks,
    revocations: new RedisRevocationStore(client, keys, now),
    uplinks,
    leases: new RedisPartitionLeaseStore(client, keys),
    checkpoints: new RedisPartitionCheckpointStore(client, keys, sealer),
    /**
     * Writes out what the write-behind buffers hold. The engine calls it before it saves a partition
     * checkpoint and before a hand-over, so a checkpoint never claims records whose writes are only
     * in this process (a crash loses only what a takeover's replay writes again).
     */
    flush,
    async close() {
      reachability.stop();
      // First: the buffered writes still need the connection. With Redis away they would wait for it
      // for ever, so they are dropped: a partition's next owner replays what they came from.
      const discard = client.status !== 'ready';
      const dropped = devices.buffered + counters.buffered;
      if (discard && dropped > 0) onError(new Error(`Redis is away: buffered writes of ${dropped} devices dropped`));
      await Promise.all([devices.close(discard), counters.close(discard)]);
      // The vitals write-out is waited for, though not for ever: a write-out that failed or could not
      // finish is the error close() ends with, after the connections are closed regardless.
      const unflushed = discard ? undefined : await flushWithin(vitals.flush(), CLOSE_FLUSH_MS);
      vitals.close();
      await bus.close();
      locks.close();
      await uplinks.close();
      await events.close();
      // QUIT would wait for a Redis that is away (commands never fail while it is: see above).
      if (owned && client.status === 'ready') await client.quit();
      else if (owned) client.disconnect();
      if (unflushed !== undefined) throw unflushed;
    },
    connected: () => reachability.reachable(),
    reachability,
  };
}
