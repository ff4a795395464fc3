import type { VitalsEventData } from '@vigil/contracts';
import type { VitalsFeed } from '@vigil/engine';
import { silentLogger } from '@vigil/runtime';
import { requireBinary } from '@vigil/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from '../../../packages/stores/test/redis-server.ts';
import { RedisLinks } from '../src/redis-links.ts';

const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'vitals relay test');

/**
 * Live vitals between processes (issue 5): what an engine publishes reaches every gateway's feed
 * through Redis pub/sub, under the key prefix, gathered per interval in one message (issue 12); a
 * single-sample message of an engine not yet upgraded still arrives; a malformed message on the
 * channel is dropped without stopping the ones after it, and other deployments' channels are not heard.
 */
describe.skipIf(skip)('live vitals relay on Redis', () => {
  let redis: RedisServer;
  const links: RedisLinks[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const l of links) await l.close();
    await redis?.stop();
  });

  const open = async (keyPrefix: string) => {
    const l = await RedisLinks.create({ url: redis.url, keyPrefix }, silentLogger());
    links.push(l);
    return l;
  };
  const collector = () => {
    const got: { facilityId: string; data: VitalsEventData }[] = [];
    const feed: VitalsFeed = { publish: (facilityId, data) => void got.push({ facilityId, data }) };
    return { got, feed };
  };

  it('hands what an engine publishes to every gateway of the deployment, and nothing malformed', async () => {
    const engine = await open('relay:');
    const [g1, g2, other] = [collector(), collector(), collector()];
    await (await open('relay:')).relayVitalsTo(g1.feed);
    await (await open('relay:')).relayVitalsTo(g2.feed);
    await (await open('another:')).relayVitalsTo(other.feed);

    const old: VitalsEventData = { residentId: 'r0', ts: new Date().toISOString(), hr: 61 };
    const raw = new Redis(redis.url);
    try {
      // Garbage on the channel first: not JSON, the wrong shape, a sample without a resident.
      await raw.publish('relay:vitals', 'not json');
      await raw.publish('relay:vitals', JSON.stringify({ facilityId: 'f1' }));
      await raw.publish('relay:vitals', JSON.stringify({ facilityId: 'f1', data: { ts: new Date().toISOString() } }));
      // An engine of the version before batching: one sample per message.
      await raw.publish('relay:vitals', JSON.stringify({ facilityId: 'f1', data: old }));
    } finally {
      raw.disconnect();
    }
    const sample: VitalsEventData = { residentId: 'r1', ts: new Date().toISOString(), hr: 88, spo2: 96 };
    const newer: VitalsEventData = { ...sample, hr: 90 };
    const second: VitalsEventData = { residentId: 'r2', ts: new Date().toISOString(), hr: 70 };
    const publisher = engine.vitalsPublisher();
    publisher.publish('f1', sample);
    publisher.publish('f2', second);
    publisher.publish('f1', newer);

    const want = [
      { facilityId: 'f1', data: old },
      { facilityId: 'f2', data: second },
      { facilityId: 'f1', data: newer },
    ];
    await vi.waitFor(() => {
      expect(g1.got).toEqual(want);
      expect(g2.got).toEqual(want);
    });
    expect(other.got).toEqual([]);
  });
});
