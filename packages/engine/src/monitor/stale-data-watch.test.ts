import { ManualClock, silentLogger } from '@vigil/runtime';
import { createMemoryStores, type DeviceRecord } from '@vigil/stores';
import { describe, expect, it } from 'vitest';
import { alertServices, wearableOf } from './monitor.fixture.ts';
import { StaleDataWatch } from './stale-data-watch.ts';

const MIN = 60_000;

async function setup() {
  const clock = new ManualClock();
  const stores = createMemoryStores(() => clock.now());
  const { alerts, ruleSettings } = alertServices(stores, clock);
  const watch = new StaleDataWatch({ stores, alerts, ruleSettings, clock, logger: silentLogger() });
  await stores.facilities.put({ id: 'f1', name: 'F', zones: [] });
  const device = (over: Partial<DeviceRecord>): DeviceRecord => wearableOf({ lastSeenAt: clock.now(), ...over });
  return { clock, stores, watch, device };
}

describe('StaleDataWatch', () => {
  it('warns a 1 Hz wristband silent for 3 min, escalates at 10 min, once, and clears when data flows again', async () => {
    const { clock, stores, watch, device } = await setup();
    await stores.devices.put(device({ recentIntervalsMs: [1000, 1000, 1000] }));
    clock.advance(2 * MIN);
    await watch.sweep();
    expect(await stores.alerts.list()).toHaveLength(0);
    clock.advance(MIN + 1000);
    await watch.sweep();
    await watch.sweep();
    let [a] = await stores.alerts.list();
    expect(a).toMatchObject({ kind: 'device.no_data', priority: 'low', residentId: 'r1', occurrences: 1 });
    expect(a?.explanation.condition).toContain('no data for 3 min');
    clock.advance(7 * MIN);
    await watch.sweep();
    [a] = await stores.alerts.list();
    expect(a).toMatchObject({ priority: 'medium', occurrences: 1, title: 'Wearable silent for 10 min' });
    await stores.devices.touch('w1', { lastSeenAt: clock.now() });
    await watch.sweep();
    [a] = await stores.alerts.list();
    expect(a).toMatchObject({ state: 'resolved', outcome: 'self_cleared' });
  });

  it('judges a wristband that reports every 4 min against its own rhythm, not a fixed limit', async () => {
    const { clock, stores, watch, device } = await setup();
    // One outage among its intervals does not move the median.
    await stores.devices.put(device({ recentIntervalsMs: [240_000, 250_000, 3_600_000, 235_000, 240_000] }));
    clock.advance(19 * MIN);
    await watch.sweep();
    expect(await stores.alerts.list()).toHaveLength(0);
    clock.advance(2 * MIN);
    await watch.sweep();
    const [a] = await stores.alerts.list();
    expect(a).toMatchObject({ priority: 'low', explanation: { inputs: { usualIntervalMs: 240_000 } } });
    expect(a?.explanation.condition).toBe(
      'connected but no data for 20 min (5 of its usual 4 min intervals): warning level for a wearable',
    );
    clock.advance(20 * MIN);
    await watch.sweep();
    expect((await stores.alerts.list())[0]).toMatchObject({ priority: 'medium' });
  });

  it('uses the sensor limits, and leaves offline and never-seen devices to their own alerts', async () => {
    const { clock, stores, watch, device } = await setup();
    await stores.devices.put(device({ id: 's1', kind: 'sensor', residentId: undefined, roomId: 'room-1' }));
    await stores.devices.put(device({ id: 'w2', state: 'offline' }));
    await stores.devices.put(device({ id: 'w3', residentId: 'r3', state: 'provisioned', lastSeenAt: undefined }));
    clock.advance(20 * MIN);
    await watch.sweep();
    expect(await stores.alerts.list()).toHaveLength(0);
    clock.advance(15 * MIN);
    await watch.sweep();
    expect((await stores.alerts.list()).map((a) => [a.deviceId, a.priority, a.roomId])).toEqual([
      ['s1', 'low', 'room-1'],
    ]);
  });

  it('sweeps on the injected clock once started, until stopped', async () => {
    const { clock, stores, watch, device } = await setup();
    await stores.devices.put(device({}));
    watch.start(MIN);
    const minutes = async (n: number) => {
      for (let i = 0; i < n; i++) {
        clock.advance(MIN);
        await new Promise((r) => setImmediate(r));
      }
    };
    await minutes(2);
    expect(await stores.alerts.list()).toHaveLength(0);
    await minutes(2);
    expect(await stores.alerts.list()).toHaveLength(1);
    watch.stop();
    await minutes(30);
    expect((await stores.alerts.list())[0]?.priority).toBe('low');
  });

  it('two engines sweeping at once raise and count an episode once', async () => {
    const { clock, stores, watch, device } = await setup();
    // A second engine process on the same stores (and so the same locks).
    const { alerts, ruleSettings } = alertServices(stores, clock);
    const other = new StaleDataWatch({ stores, alerts, ruleSettings, clock, logger: silentLogger() });
    await stores.devices.put(device({}));
    clock.advance(4 * MIN);
    await Promise.all([watch.sweep(), other.sweep()]);
    expect(await stores.alerts.list()).toMatchObject([{ priority: 'low', occurrences: 1 }]);
    clock.advance(7 * MIN);
    await Promise.all([watch.sweep(), other.sweep(), watch.sweep()]);
    const raised = (await stores.events.readAfter('0-0')).events.map((e) => e.envelope.type);
    // Low to medium is a rise in priority: a re-raise (contract §3.1).
    expect(raised).toEqual(['alert.raised', 'alert.reraised']);
    expect(await stores.alerts.list()).toMatchObject([{ priority: 'medium', occurrences: 1 }]);
  });
});
