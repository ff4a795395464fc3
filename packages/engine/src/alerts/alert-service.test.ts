import { ManualClock } from '@vigil/runtime';
import { createMemoryStores } from '@vigil/stores';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { AlertService, type RaiseInput } from './alert-service.ts';

function setup() {
  const clock = new ManualClock();
  const stores = createMemoryStores(() => clock.now());
  const service = new AlertService({ alerts: stores.alerts, events: stores.events, clock, locks: stores.locks });
  return { clock, stores, service };
}

const input = (over: Partial<RaiseInput> = {}): RaiseInput => ({
  facilityId: 'f1',
  residentId: 'r1',
  kind: 'vital.hr_high',
  priority: 'medium',
  title: 'Heart rate high: 125 bpm',
  observedAt: Date.parse('2026-01-01T00:00:00Z'),
  explanation: { rule: 'vital-threshold.hr_high@1', inputs: { hr: 125 }, condition: 'hr ≥ 120 bpm' },
  ...over,
});

describe('AlertService', () => {
  it('keeps one open alert per subject and kind; a repeat only raises priority', async () => {
    const { service } = setup();
    const a = await service.raise(input());
    const b = await service.raise(input({ priority: 'high', title: 'Heart rate high: 150 bpm' }));
    const c = await service.raise(input({ priority: 'medium' }));
    expect(b.id).toBe(a.id);
    expect(c).toMatchObject({ id: a.id, occurrences: 3, priority: 'high', title: 'Heart rate high: 150 bpm' });
  });

  it('opens one alert for concurrent raises', async () => {
    const { service, stores } = setup();
    await Promise.all(Array.from({ length: 20 }, () => service.raise(input())));
    const open = await stores.alerts.list({ state: 'open' });
    expect(open).toHaveLength(1);
    expect(open[0]?.occurrences).toBe(20);
  });

  it('walks active → acknowledged → resolved and refuses illegal transitions', async () => {
    const { service, clock } = setup();
    const a = await service.raise(input());
    clock.advance(30_000);
    const acked = await service.acknowledge(a.id, 'u1');
    expect(acked).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'u1',
      acknowledgedAt: '2026-01-01T00:00:30.000Z',
    });
    await expect(service.acknowledge(a.id, 'u2')).rejects.toMatchObject({ code: 'illegal_state' });
    const resolved = await service.resolve(a.id, 'u1', 'handled', 'checked on her');
    expect(resolved).toMatchObject({ state: 'resolved', outcome: 'handled', note: 'checked on her' });
    await expect(service.resolve(a.id, 'u1', 'handled')).rejects.toBeInstanceOf(DomainError);
    // After resolution a new occurrence opens a new alert.
    const next = await service.raise(input());
    expect(next.id).not.toBe(a.id);
  });

  it('resolves straight from active and reports unknown ids as not_found', async () => {
    const { service } = setup();
    const a = await service.raise(input());
    expect((await service.resolve(a.id, 'u1', 'false_alarm')).state).toBe('resolved');
    await expect(service.acknowledge('nope', 'u1')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stores every repeat but tells boards of the first, then once per interval, and re-raises on a priority rise', async () => {
    const { service, stores, clock } = setup();
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    clock.advance(60_000); // the samples below are all in the past, as device times are
    await service.raise(input({ observedAt: t0 }));
    // A condition that holds: a sample a second for 25 s
    for (let s = 1; s <= 25; s++) await service.raise(input({ observedAt: t0 + s * 1000 }));
    await service.raise(input({ observedAt: t0 + 25_500, priority: 'high', title: 'Heart rate high: 150 bpm' }));
    const [open] = await stores.alerts.list({ state: 'open' });
    expect(open).toMatchObject({ occurrences: 27, priority: 'high', lastSeenAt: '2026-01-01T00:00:25.500Z' });
    const { events } = await stores.events.readAfter('0-0');
    const told = events
      .filter((e) => e.envelope.type === 'alert.updated' || e.envelope.type === 'alert.reraised')
      .map((e) => [e.envelope.type, (e.envelope.data as { occurrences: number }).occurrences]);
    // first repeat (1 s), entering 10 s and 20 s, and the priority rise (contract §3.1: a re-raise)
    expect(told).toEqual([
      ['alert.updated', 2],
      ['alert.updated', 11],
      ['alert.updated', 21],
      ['alert.reraised', 27],
    ]);
  });

  it('appends every change to the event log in order', async () => {
    const { service, stores } = setup();
    const a = await service.raise(input());
    await service.raise(input());
    await service.acknowledge(a.id, 'u1');
    await service.resolve(a.id, 'u1', 'handled');
    const { events } = await stores.events.readAfter('0-0');
    expect(events.map((e) => e.envelope.type)).toEqual([
      'alert.raised',
      'alert.updated',
      'alert.acknowledged',
      'alert.resolved',
    ]);
  });

  describe('re-raise (contract §3.1)', () => {
    const sos = (over: Partial<RaiseInput> = {}) =>
      input({
        kind: 'sos',
        priority: 'high',
        title: 'SOS',
        explanation: { rule: 'device-event.sos@1', inputs: {}, condition: 'SOS pressed' },
        ...over,
      });
    const types = async (stores: ReturnType<typeof setup>['stores']) =>
      (await stores.events.readAfter('0-0')).events.map((e) => e.envelope.type);

    it('the same press again (a redelivery, a replayed log) changes nothing; a later press re-raises', async () => {
      const { service, clock, stores } = setup();
      const press = (ts: number) =>
        sos({
          observedAt: ts,
          explanation: {
            rule: 'device-event.sos@1',
            inputs: { type: 'sos', ts: new Date(ts).toISOString(), deviceId: 'w1' },
            condition: 'SOS pressed',
          },
        });
      const t = clock.now();
      const a = await service.raise(press(t));
      expect(await service.raise(press(t))).toEqual(a);
      expect(await types(stores)).toEqual(['alert.raised']);
      clock.advance(5000);
      expect(await service.raise(press(t + 5000))).toMatchObject({ id: a.id, occurrences: 2 });
      expect(await types(stores)).toEqual(['alert.raised', 'alert.reraised']);
    });

    it('the same episode raised again (a replayed log) changes nothing; a new one after it cleared counts', async () => {
      const { service, clock, stores } = setup();
      // High, so the alert stays open (latched) once its condition clears.
      const episode = (since: string) =>
        input({
          priority: 'high',
          conditionHolds: true,
          explanation: { rule: 'vital-threshold.hr_high@1', inputs: { hr: 135, since }, condition: 'hr ≥ 131' },
        });
      clock.advance(300_000);
      const a = await service.raise(episode('2026-01-01T00:00:00.000Z'));
      expect(await service.raise(episode('2026-01-01T00:00:00.000Z'))).toEqual(a);
      expect(await types(stores)).toEqual(['alert.raised']);
      const cleared = await service.conditionCleared('f1', 'r1', 'vital.hr_high', clock.now() - 200_000);
      expect(cleared).toMatchObject({ id: a.id, conditionHolds: false });
      // The condition returned: the same onset would still be a replay, but this one began later.
      expect(await service.raise(episode('2026-01-01T00:02:00.000Z'))).toMatchObject({ id: a.id, occurrences: 2 });
    });

    it('a new SOS press on an acknowledged alert makes it active again, same id, acknowledgement dropped', async () => {
      const { service, clock, stores } = setup();
      const a = await service.raise(sos());
      clock.advance(30_000);
      await service.acknowledge(a.id, 'u1');
      await service.escalate(a.id);
      clock.advance(60_000);
      const again = await service.raise(sos({ observedAt: clock.now() }));
      expect(again).toMatchObject({
        id: a.id,
        state: 'active',
        occurrences: 2,
        reraisedAt: '2026-01-01T00:01:30.000Z',
        lastSeenAt: '2026-01-01T00:01:30.000Z',
        escalationLevel: 0,
      });
      expect(again).not.toHaveProperty('acknowledgedAt');
      expect(again).not.toHaveProperty('acknowledgedBy');
      expect(await stores.alerts.get(a.id)).toEqual(again);
      expect(await types(stores)).toEqual(['alert.raised', 'alert.acknowledged', 'alert.escalated', 'alert.reraised']);
      // Active again, so it can be acknowledged again.
      expect(await service.acknowledge(a.id, 'u2')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'u2' });
    });

    it('a new fall re-raises; a second SOS on an alert still active re-raises too, keeping its escalation', async () => {
      const { service, clock, stores } = setup();
      const fall = await service.raise(sos({ kind: 'fall', title: 'Fall' }));
      await service.acknowledge(fall.id, 'u1');
      clock.advance(1000);
      expect(await service.raise(sos({ kind: 'fall', title: 'Fall' }))).toMatchObject({ id: fall.id, state: 'active' });

      const a = await service.raise(sos());
      await service.escalate(a.id);
      clock.advance(5000);
      const again = await service.raise(sos());
      // The boards sound again (clinical.md "Repeats re-raise"); nobody answered, so the escalation stays.
      expect(again).toMatchObject({ id: a.id, state: 'active', occurrences: 2, escalationLevel: 1 });
      expect(again.reraisedAt).toBe(new Date(clock.now()).toISOString());
      expect((await types(stores)).filter((t) => t === 'alert.reraised')).toHaveLength(2);
      expect(await types(stores)).not.toContain('alert.updated');
    });

    it('a rise in priority re-raises any kind, escalations of an episode included; a plain repeat does not', async () => {
      const { service, stores } = setup();
      const a = await service.raise(input({ kind: 'device.no_data', priority: 'low', title: 'No data' }));
      await service.acknowledge(a.id, 'u1');
      await service.raise(input({ kind: 'device.no_data', priority: 'low', title: 'No data' }), { escalation: true });
      expect(await stores.alerts.get(a.id)).toMatchObject({ state: 'acknowledged', priority: 'low' });
      const worse = await service.raise(
        input({ kind: 'device.no_data', priority: 'medium', title: 'No data: urgent' }),
        {
          escalation: true,
        },
      );
      expect(worse).toMatchObject({ state: 'active', priority: 'medium', title: 'No data: urgent', occurrences: 1 });
      expect(worse.reraisedAt).toBeDefined();
      // The same priority again is a repeat on the active alert: counted and told as an update.
      await service.raise(input({ kind: 'device.no_data', priority: 'medium', title: 'No data: urgent' }));
      expect(await types(stores)).toEqual([
        'alert.raised',
        'alert.acknowledged',
        'alert.updated',
        'alert.reraised',
        'alert.updated',
      ]);
    });

    it('an escalation of an SOS without a rise in priority is not a new call', async () => {
      const { service, stores } = setup();
      const a = await service.raise(sos());
      await service.acknowledge(a.id, 'u1');
      await service.raise(sos(), { escalation: true });
      expect(await stores.alerts.get(a.id)).toMatchObject({ state: 'acknowledged', occurrences: 1 });
      expect(await types(stores)).not.toContain('alert.reraised');
    });
  });
});
