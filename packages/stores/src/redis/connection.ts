import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { RedisClient } from './script.ts';

/** A Redis Cluster node to learn the cluster's layout from (any one that answers will do). */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/**
 * Where the state lives: one Redis (or a primary with replicas) by URL, or a Redis Cluster by some
 * of its nodes (the client discovers the rest and follows slot moves).
 */
export type RedisTarget = { url: string } | { clusterNodes: readonly RedisClusterNode[] };

/**
 * A new connection to the target. Loads ioredis only here, so the memory-only default never loads
 * the client library.
 */
export async function connectRedis(target: RedisTarget, options: RedisOptions = {}): Promise<RedisClient> {
  return newRedisClient(await import('ioredis'), target, options);
}

/** The two client classes of ioredis, as its module exports them. */
export interface IoRedisClasses {
  Redis: typeof Redis;
  Cluster: typeof Cluster;
}

/** `connectRedis` with the library already loaded, for callers that open connections as they go. */
export function newRedisClient(lib: IoRedisClasses, target: RedisTarget, options: RedisOptions = {}): RedisClient {
  if ('url' in target) return new lib.Redis(target.url, options);
  // Auto-pipelining is the cluster client's own option (it groups by node); the rest is per node.
  const { enableAutoPipelining, ...redisOptions } = options;
  return new lib.Cluster(
    target.clusterNodes.map((n) => ({ host: n.host, port: n.port })),
    {
      redisOptions,
      ...(enableAutoPipelining !== undefined && { enableAutoPipelining }),
    },
  );
}

/**
 * Another connection like `client` (same server or cluster, same options) with `overrides`: for a
 * subscriber or a blocking read, which hold their connection. A cluster client takes the per-node
 * options apart from its own, and `duplicate` would replace rather than merge them.
 */
export function duplicateClient(client: RedisClient, overrides: RedisOptions = {}): RedisClient {
  if (!client.isCluster) return (client as Redis).duplicate(overrides);
  const cluster = client as Cluster;
  const { enableAutoPipelining, ...redisOptions } = overrides;
  return cluster.duplicate(undefined, {
    redisOptions: { ...cluster.options.redisOptions, ...redisOptions },
    ...(enableAutoPipelining !== undefined && { enableAutoPipelining }),
  });
}
