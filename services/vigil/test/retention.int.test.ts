import { requireBinary } from '@vigil/testkit';
import { ManualClock, silentLogger } from '@vigil/runtime';
import { createRedisStores, type RedisStores } from '@vigil/stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from '../../../packages/stores/test/redis-server.ts';
import { RetentionSweeper } from '@vigil/engine';
import { expectSwept, seedAged } from '../../../packages/engine/src/retention/aged-state.fixture.ts';

/** The retention sweep on the Redis stores, against a private redis-server (STYLE.md §10). */
const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'retention on redis');

describe.skipIf(skip)('retention sweeper on redis', () => {
  let server: RedisServer | undefined;
  let stores: RedisStores | undefined;

  beforeAll(async () => {
    if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
    server = await startRedisServer();
  });
  afterAll(async () => {
    await stores?.close();
    await server?.stop();
  });

  it('removes bodies and index entries past retention, keeps the rest', async () => {
    const clock = new ManualClock();
    stores = await createRedisStores(server!.url, { keyPrefix: 'retention:', now: () => clock.now() });
    await seedAged(stores, clock.now());
    const sweeper = new RetentionSweeper({ stores, clock, logger: silentLogger() });
    expect(await sweeper.sweep()).toEqual({ alerts: 1, tasks: 1, slaWarnings: 1, vitalsPoints: 2 });
    await expectSwept(stores, clock.now());
    // Nothing of the removed ones is left in any index a page or a lookup reads.
    expect((await stores.alerts.page({}, { limit: 10 })).items.map((a) => a.id).sort()).toEqual([
      'open-200d',
      'resolved-10d',
    ]);
    expect((await stores.tasks.page({ facilityIds: ['f1'] }, { limit: 10 })).items.map((t) => t.id)).toHaveLength(2);
    expect(await sweeper.sweep()).toEqual({ alerts: 0, tasks: 0, slaWarnings: 0, vitalsPoints: 0 });
  });
});
