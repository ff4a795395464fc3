import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import { keySlot } from '../src/index.ts';
import { auditKeys, partitionKeys, taskKeys, vitalsKeys } from '../src/redis/key-layout.ts';
import { Keys } from '../src/redis/script.ts';
import {
  type RedisCluster,
  REDIS_CLUSTER_BINARIES,
  REDIS_CLUSTER_INSTALL_HINT,
  startRedisCluster,
} from './redis-cluster.ts';
import { redisStoreSuite } from './redis-suite.ts';

/**
 * The same Redis store suite (redis-suite.ts) on a private 3-master Redis Cluster: every script and
 * transaction of every store runs there, so a key layout that mixed hash slots would fail with
 * CROSSSLOT here.
 */
const skip = requireBinary(REDIS_CLUSTER_BINARIES, REDIS_CLUSTER_INSTALL_HINT, 'redis cluster stores');

describe.skipIf(skip)('redis stores on a Redis Cluster', () => {
  redisStoreSuite(
    'redis cluster',
    async () => {
      const cluster = await startRedisCluster();
      return {
        target: { clusterNodes: cluster.nodes },
        connect: () => new Cluster(cluster.nodes),
        stop: cluster.stop,
      };
    },
    { encrypted: true },
  );

  describe('key slots', () => {
    let cluster: RedisCluster | undefined;
    let client: Cluster | undefined;
    beforeAll(async () => {
      cluster = await startRedisCluster();
      client = new Cluster(cluster.nodes);
    });
    afterAll(async () => {
      await client?.quit();
      await cluster?.stop();
    });

    it('are computed as the cluster does (CLUSTER KEYSLOT), for the keys the stores build', async () => {
      const keys = new Keys('vigil:');
      const built = [
        partitionKeys(keys, 12).log('urgent'),
        partitionKeys(keys, 63).checkpoint,
        taskKeys(keys).ofAlert('al_{1}'),
        auditKeys(keys, 'Ωmega résidence').ofResident('r:1'),
        vitalsKeys(keys, 'r1').latest,
        'no-tag-at-all',
      ];
      for (const key of built) expect([key, await client!.cluster('KEYSLOT', key)]).toEqual([key, keySlot(key)]);
    });
  });
});
