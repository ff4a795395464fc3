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

  it('stores every repeat but tells boards of the first, then once per interval, and of any priority rise', async () => {
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
    const updates = events.filter((e) => e.envelope.type === 'alert.updated').map((e) => e.envelope.data);
    // first repeat (1 s), entering 10 s and 20 s, and the priority rise
    expect(updates.map((a) => (a as { occurrences: number }).occurrences)).toEqual([2, 11, 21, 27]);
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
});
