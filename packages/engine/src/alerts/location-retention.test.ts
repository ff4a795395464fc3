import { type Consent, DEFAULT_CONSENT } from '@vigil/contracts';
import { ManualClock } from '@vigil/runtime';
import { createMemoryStores } from '@vigil/stores';
import { describe, expect, it } from 'vitest';
import { AlertService, type RaiseInput } from './alert-service.ts';

const WHERE = { lat: 30.27, lon: 120.16, accuracyM: 8 };

async function setup(consent: Partial<Consent> = {}) {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const stores = createMemoryStores(() => clock.now());
  await stores.residents.put({
    id: 'r1',
    facilityId: 'f1',
    name: 'Ada',
    zoneId: 'z1',
    roomId: '101',
    carePlan: {},
    consent: { ...DEFAULT_CONSENT, ...consent },
  });
  const service = new AlertService({
    alerts: stores.alerts,
    events: stores.events,
    clock,
    locks: stores.locks,
    residents: stores.residents,
  });
  const logged = async () => (await stores.events.readAfter('0-0')).events;
  return { clock, stores, service, logged };
}

const sos = (over: Partial<RaiseInput> = {}): RaiseInput => ({
  facilityId: 'f1',
  residentId: 'r1',
  deviceId: 'w1',
  kind: 'sos',
  priority: 'high',
  title: 'SOS button pressed',
  observedAt: Date.parse('2026-01-01T00:00:00Z'),
  explanation: {
    rule: 'device-event.sos@1',
    inputs: { type: 'sos', ts: '2026-01-01T00:00:00.000Z' },
    condition: 'sos',
  },
  location: WHERE,
  ...over,
});

describe('alert location retention (contract §1.2, §4.3; issue 13)', () => {
  it('keeps an open high alert’s location for its responders, whatever the consent, and never logs it', async () => {
    const { stores, service, logged } = await setup({ location: false });
    const raised = await service.raise(sos());
    expect(raised.location).toEqual(WHERE);
    expect((await stores.alerts.get(raised.id))?.location).toEqual(WHERE);
    await service.acknowledge(raised.id, 'care1');
    expect((await stores.alerts.get(raised.id))?.location).toEqual(WHERE);
    const events = await logged();
    expect(events.map((e) => e.envelope.type)).toEqual(['alert.raised', 'alert.acknowledged']);
    for (const e of events) expect(e.envelope.data).not.toHaveProperty('location');
  });

  it('drops the location when the alert resolves (or is cancelled) without location consent', async () => {
    const { stores, service } = await setup({ location: false });
    const resolved = await service.resolve((await service.raise(sos())).id, 'care1', 'handled');
    expect(resolved).not.toHaveProperty('location');
    expect(await stores.alerts.get(resolved.id)).not.toHaveProperty('location');

    const again = await service.raise(sos({ observedAt: Date.parse('2026-01-01T00:01:00Z') }));
    expect(again.location).toEqual(WHERE);
    const cancelled = await service.closeBySystem('f1', 'r1', 'sos', 'cancelled', true);
    expect(cancelled).toMatchObject({ outcome: 'cancelled' });
    expect(await stores.alerts.get(again.id)).not.toHaveProperty('location');
  });

  it('keeps it after resolution under location consent', async () => {
    const { stores, service } = await setup({ location: true });
    const resolved = await service.resolve((await service.raise(sos())).id, 'care1', 'handled');
    expect(resolved.location).toEqual(WHERE);
    expect((await stores.alerts.get(resolved.id))?.location).toEqual(WHERE);
  });

  it('does not keep the location of a lower alert nobody may see it for', async () => {
    const { service } = await setup({ location: false });
    const low = await service.raise(sos({ kind: 'device.low_battery', priority: 'low', title: 'Battery low' }));
    expect(low).not.toHaveProperty('location');
  });

  it('forgets stored locations when the consent is withdrawn, except an open high alert’s', async () => {
    const { stores, service, clock } = await setup({ location: true });
    const done = await service.resolve((await service.raise(sos())).id, 'care1', 'handled');
    clock.advance(60_000);
    const open = await service.raise(sos({ observedAt: clock.now() }));
    await stores.residents.setConsent('r1', { ...DEFAULT_CONSENT, location: false });
    expect(await service.forgetLocations('r1')).toBe(1);
    expect(await stores.alerts.get(done.id)).not.toHaveProperty('location');
    expect((await stores.alerts.get(open.id))?.location).toEqual(WHERE);
    // The responders' need ends with the alert: resolving it drops the location too.
    await service.resolve(open.id, 'care1', 'handled');
    expect(await stores.alerts.get(open.id)).not.toHaveProperty('location');
  });

  it('without a resident store nothing proves consent: the location ends with the alert', async () => {
    const { stores, clock } = await setup({ location: true });
    const strict = new AlertService({ alerts: stores.alerts, events: stores.events, clock, locks: stores.locks });
    const resolved = await strict.resolve((await strict.raise(sos())).id, 'care1', 'handled');
    expect(await stores.alerts.get(resolved.id)).not.toHaveProperty('location');
  });
});
