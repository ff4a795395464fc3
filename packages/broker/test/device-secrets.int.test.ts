import { randomBytes } from 'node:crypto';
import { devicePeppers, hashDeviceSecret, verifyDeviceSecret } from '@vigil/auth';
import { requireBinary } from '@vigil/testkit';
import { createMemoryStores, createRedisStores, type RedisStores, type Stores } from '@vigil/stores';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from '../../stores/test/redis-server.ts';
import { type BrokerHarness, FACILITY, PEPPERS, provision, SECRET, startBroker } from './fixtures.ts';

/**
 * Issue 12 "fast device authentication" on a real aedes broker: device secrets verify as HMACs under
 * the pepper bound to the device store; argon2id hashes from before still connect and are rewritten
 * at that first connect; refusals stay CONNACK 4 (contract §1).
 */
let h: BrokerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const refusal = (b: BrokerHarness, deviceId: string, opts: { password?: string; clientId?: string } = {}) =>
  b.connect(deviceId, { clientId: deviceId, ...opts }).then(
    (c: MqttClient) => c,
    (e: Error & { code?: number }) => e,
  );

async function expectMigrated(stores: Stores, deviceId: string): Promise<string> {
  const stored = (await stores.devices.get(deviceId))?.secretHash ?? '';
  expect(stored).toBe(hashDeviceSecret(SECRET, PEPPERS.current));
  expect(await verifyDeviceSecret(stored, SECRET, PEPPERS)).toBe('valid');
  return stored;
}

describe('embedded broker: device secrets under the pepper (issue 12)', () => {
  it('connects a device with an HMAC hash, and leaves the hash alone', async () => {
    h = await startBroker();
    await provision(h.stores, [{ id: 'dev-1' }]);
    const before = (await h.stores.devices.get('dev-1'))?.secretHash;
    expect(before).toMatch(/^hmac-sha256\$/);
    expect((await h.connect('dev-1', { clientId: 'dev-1' })).connected).toBe(true);
    expect((await h.stores.devices.get('dev-1'))?.secretHash).toBe(before);
  });

  it('connects a device with a legacy argon2id hash and rewrites it as an HMAC, live fields kept', async () => {
    h = await startBroker();
    await provision(h.stores, [{ id: 'dev-old' }], { legacy: true });
    await h.stores.devices.touch('dev-old', { state: 'offline', lastSeenAt: 1234, battery: 55 });
    expect((await h.stores.devices.get('dev-old'))?.secretHash).toMatch(/^\$argon2id\$/);

    const first = await h.connect('dev-old', { clientId: 'dev-old' });
    expect(first.connected).toBe(true);
    await expectMigrated(h.stores, 'dev-old');
    expect(await h.stores.devices.get('dev-old')).toMatchObject({ state: 'offline', lastSeenAt: 1234, battery: 55 });
    await first.endAsync();

    // Next time it is the HMAC that lets it in; a wrong secret is still refused.
    expect((await h.connect('dev-old', { clientId: 'dev-old' })).connected).toBe(true);
    expect(await refusal(h, 'dev-old', { password: 'not-the-secret' })).toMatchObject({ code: 4 });
  });

  it('rewrites a hash under a previous pepper (rotation) the same way', async () => {
    const stores = createMemoryStores();
    const oldPepper = devicePeppers([randomBytes(32)]).current;
    h = await startBroker(undefined, stores, { peppers: { current: PEPPERS.current, previous: [oldPepper] } });
    await provision(stores, [{ id: 'dev-1' }]);
    const old = hashDeviceSecret(SECRET, oldPepper);
    expect(await stores.devices.setSecretHash('dev-1', hashDeviceSecret(SECRET, PEPPERS.current), old)).toBe(true);
    expect((await h.connect('dev-1', { clientId: 'dev-1' })).connected).toBe(true);
    await expectMigrated(stores, 'dev-1');
  });

  for (const legacy of [false, true]) {
    const kind = legacy ? 'argon2id' : 'HMAC';
    it(`refuses a wrong secret (${kind} hash) with CONNACK 4 and keeps the hash`, async () => {
      h = await startBroker();
      await provision(h.stores, [{ id: 'dev-1' }], { legacy });
      const before = (await h.stores.devices.get('dev-1'))?.secretHash;
      for (const password of ['not-the-secret', `${SECRET}x`, SECRET.slice(0, -1)]) {
        const err = await refusal(h, 'dev-1', { password });
        expect(err).toMatchObject({ code: 4, message: expect.stringMatching(/bad username or password/i) });
      }
      expect(h.broker.stats().authFailures).toBe(3);
      expect((await h.stores.devices.get('dev-1'))?.secretHash).toBe(before);
    });

    it(`refuses a decommissioned device (${kind} hash) with its right secret, CONNACK 4`, async () => {
      h = await startBroker();
      await provision(h.stores, [{ id: 'dev-gone', state: 'decommissioned' }], { legacy });
      const before = (await h.stores.devices.get('dev-gone'))?.secretHash;
      expect(await refusal(h, 'dev-gone')).toMatchObject({ code: 4 });
      // Nothing is rewritten for a device that was refused.
      expect((await h.stores.devices.get('dev-gone'))?.secretHash).toBe(before);
    });
  }

  it('refuses an unknown device with CONNACK 4', async () => {
    h = await startBroker();
    expect(await refusal(h, 'nobody')).toMatchObject({ code: 4 });
    expect(h.broker.stats().authFailures).toBe(1);
  });

  it('connects 500 devices at once, each with a secret of its own', async () => {
    h = await startBroker();
    const secrets = new Map<string, string>();
    for (let i = 0; i < 500; i++) {
      const id = `dev-${i}`;
      const secret = randomBytes(32).toString('base64url');
      secrets.set(id, secret);
      await h.stores.devices.put({
        id,
        kind: 'wearable',
        facilityId: FACILITY,
        secretHash: hashDeviceSecret(secret, PEPPERS.current),
        state: 'provisioned',
        createdAt: Date.now(),
      });
    }
    const b = h;
    const clients = await Promise.all([...secrets].map(([id, password]) => b.connect(id, { clientId: id, password })));
    expect(clients.every((c) => c.connected)).toBe(true);
    await vi.waitFor(() => expect(b.broker.stats().connectedDevices).toBe(500));
    // Secrets are not interchangeable between devices.
    expect(await refusal(b, 'dev-1', { password: secrets.get('dev-2') ?? '' })).toMatchObject({
      code: 4,
    });
  });

  it('without a pepper: argon2id only, as before, and nothing rewritten', async () => {
    h = await startBroker(undefined, createMemoryStores(), { unpeppered: true });
    await provision(h.stores, [{ id: 'dev-1' }], { secrets: null });
    const legacy = (await h.stores.devices.get('dev-1'))?.secretHash;
    expect(legacy).toMatch(/^\$argon2id\$/);
    expect((await h.connect('dev-1', { clientId: 'dev-1' })).connected).toBe(true);
    expect((await h.stores.devices.get('dev-1'))?.secretHash).toBe(legacy);
    expect(await refusal(h, 'dev-1', { password: 'not-the-secret' })).toMatchObject({ code: 4 });
    expect(await refusal(h, 'nobody')).toMatchObject({ code: 4 });
  });
});

const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'device secrets on redis');

describe.skipIf(skip)('embedded broker on Redis stores: legacy hashes migrate (issue 12)', () => {
  let redis: RedisServer;
  let stores: RedisStores | undefined;
  beforeAll(async () => {
    if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await stores?.close();
    await redis?.stop();
  });

  it('rewrites the hash in Redis without touching the live fields', async () => {
    stores = await createRedisStores(redis.url, { keyPrefix: 'device-secrets:' });
    h = await startBroker(undefined, stores);
    await provision(stores, [{ id: 'dev-old' }], { legacy: true });
    await stores.devices.touch('dev-old', { state: 'online', lastSeenAt: 99, recentIntervalsMs: [1000, 1000] });
    expect((await h.connect('dev-old', { clientId: 'dev-old' })).connected).toBe(true);
    await expectMigrated(stores, 'dev-old');
    expect(await stores.devices.get('dev-old')).toMatchObject({
      state: 'online',
      lastSeenAt: 99,
      recentIntervalsMs: [1000, 1000],
    });
    expect((await h.connect('dev-old', { clientId: 'dev-old' })).connected).toBe(true);
  });
});
