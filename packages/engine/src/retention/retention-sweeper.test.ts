import { ManualClock, silentLogger } from '@vigil/runtime';
import { createMemoryStores } from '@vigil/stores';
import { describe, expect, it } from 'vitest';
import { DAY, expectSwept, seedAged } from './aged-state.fixture.ts';
import { DEFAULT_RETENTION, RETENTION_SWEEP_MS, RetentionSweeper } from './retention-sweeper.ts';

describe('RetentionSweeper', () => {
  it('removes what is past retention, never an open alert or an unfinished task', async () => {
    const clock = new ManualClock();
    const stores = createMemoryStores(() => clock.now());
    await seedAged(stores, clock.now());
    const sweeper = new RetentionSweeper({ stores, clock, logger: silentLogger() });
    expect(await sweeper.sweep()).toEqual({ alerts: 1, tasks: 1, slaWarnings: 1, vitalsPoints: 2 });
    await expectSwept(stores, clock.now());
    expect(await sweeper.sweep()).toEqual({ alerts: 0, tasks: 0, slaWarnings: 0, vitalsPoints: 0 });
  });

  it('follows the clock: what ages past retention goes at the next sweep after it', async () => {
    const clock = new ManualClock();
    const stores = createMemoryStores(() => clock.now());
    await seedAged(stores, clock.now());
    const policy = { ...DEFAULT_RETENTION, resolvedAlertsMs: 11 * DAY };
    const sweeper = new RetentionSweeper({ stores, clock, logger: silentLogger(), policy });
    sweeper.start();
    clock.advance(RETENTION_SWEEP_MS);
    await expect
      .poll(async () => (await stores.alerts.list()).map((a) => a.id).sort())
      .toEqual(['open-200d', 'resolved-10d']);
    // resolved-10d turns 11 days old a day later, and goes at a sweep after that (each poll moves
    // the clock on by an interval: the next sweep is armed once the previous one has finished).
    clock.advance(DAY);
    await expect
      .poll(async () => {
        clock.advance(RETENTION_SWEEP_MS);
        return (await stores.alerts.list()).map((a) => a.id);
      })
      .toEqual(['open-200d']);
    sweeper.stop();
  });

  it('removes in batches until none is left', async () => {
    const clock = new ManualClock();
    const stores = createMemoryStores(() => clock.now());
    const old = new Date(clock.now() - 100 * DAY).toISOString();
    for (let i = 0; i < 1234; i++) {
      await stores.slaWarnings.put({
        id: `w${i}`,
        facilityId: 'f1',
        kind: 'accept_overdue',
        limitMs: 1,
        detail: 'd',
        raisedAt: old,
      });
    }
    const sweeper = new RetentionSweeper({ stores, clock, logger: silentLogger() });
    expect((await sweeper.sweep()).slaWarnings).toBe(1234);
    expect(await stores.slaWarnings.list()).toEqual([]);
  });
});
