import { ManualClock } from '@vigil/runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { api, connect, type Harness, login, raise, recordingSocket, startHarness } from './fixtures.ts';

let h: Harness;
const tokens: Record<string, string> = {};
const open: Socket[] = [];
const track = <T extends { socket: Socket }>(r: T) => {
  open.push(r.socket);
  return r;
};

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['admin', 'care1', 'care1z2', 'care2', 'manager1', 'res1user']) tokens[u] = await login(h.base, u);
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(() => h.close());

const as = (u: string) => tokens[u] ?? '';
const alertsOf = (events: { event: string; envelope: { type: string; data: { id: string } } }[], id: string) =>
  events.filter((e) => e.event === 'alert' && e.envelope.data.id === id).map((e) => e.envelope.type);

describe('Socket.IO auth (contract §2)', () => {
  it('refuses a missing, invalid or expired token with connect_error "unauthorized"', async () => {
    await expect(connect(h.base, {})).rejects.toThrow('unauthorized');
    await expect(connect(h.base, { token: 'garbage' })).rejects.toThrow('unauthorized');
  });

  it('tells a fresh client where the log stands: sync.done replayed 0, complete', async () => {
    await raise(h.alerts, { kind: 'device.no_data', priority: 'low', title: 'no data' });
    const last = await h.stores.events.lastId();
    const r = track(recordingSocket(h.base, { token: as('care1') }));
    const sync = await r.waitFor((e) => e.event === 'sync');
    expect(sync.envelope.type).toBe('sync.done');
    expect(sync.envelope.data).toEqual({ lastEventId: last, replayed: 0, complete: true });
  });
});

describe('live fan-out', () => {
  it('delivers a raised alert to the facility, not to another facility; ack arrives as alert.acknowledged', async () => {
    const mine = track(recordingSocket(h.base, { token: as('care1') }));
    const other = track(recordingSocket(h.base, { token: as('care2') }));
    const admin = track(recordingSocket(h.base, { token: as('admin') }));
    await Promise.all([mine, other, admin].map((r) => r.waitFor((e) => e.event === 'sync')));

    const a = await raise(h.alerts, { kind: 'fall', title: 'fall' });
    const got = await mine.waitFor((e) => e.event === 'alert' && e.envelope.data.id === a.id);
    expect(got.envelope).toMatchObject({ type: 'alert.raised', facilityId: 'f1', data: { id: a.id, state: 'active' } });
    await admin.waitFor((e) => e.event === 'alert' && e.envelope.data.id === a.id);

    const ack = await api(h.base, 'POST', `/api/alerts/${a.id}/ack`, { token: as('care1') });
    expect(ack.status).toBe(200);
    await mine.waitFor((e) => e.envelope?.type === 'alert.acknowledged' && e.envelope.data.id === a.id);
    expect(alertsOf(mine.events, a.id)).toEqual(['alert.raised', 'alert.acknowledged']);
    // The other facility's socket got its sync and nothing of f1.
    expect(other.events.filter((e) => e.event === 'alert')).toEqual([]);
  });

  it('delivers a re-raise live and replays it in order like any alert event (contract §2, §3.1)', async () => {
    const first = track(recordingSocket(h.base, { token: as('care1') }));
    const resumeFrom = (await first.waitFor((e) => e.event === 'sync')).envelope.data.lastEventId as string;
    const a = await raise(h.alerts, { residentId: 'again1', zoneId: undefined, title: 'sos again' });
    await h.alerts.acknowledge(a.id, 'care1');
    await raise(h.alerts, { residentId: 'again1', zoneId: undefined, title: 'sos again' });
    const live = await first.waitFor((e) => e.envelope?.type === 'alert.reraised' && e.envelope.data.id === a.id);
    expect(live.envelope.data).toMatchObject({ state: 'active', occurrences: 2, reraisedAt: expect.any(String) });
    first.socket.close();

    const again = track(recordingSocket(h.base, { token: as('care1'), lastEventId: resumeFrom }));
    await again.waitFor((e) => e.event === 'sync');
    expect(alertsOf(again.events, a.id)).toEqual(['alert.raised', 'alert.acknowledged', 'alert.reraised']);
  });

  it('respects zones, the resident scope and location consent', async () => {
    const zoned = track(recordingSocket(h.base, { token: as('care1z2') }));
    const resident = track(recordingSocket(h.base, { token: as('res1user') }));
    await Promise.all([zoned, resident].map((r) => r.waitFor((e) => e.event === 'sync')));
    const z1 = await raise(h.alerts, {
      residentId: 'r1',
      zoneId: 'z1',
      kind: 'vital.hr_high',
      priority: 'medium',
      title: 'hr',
      location: { lat: 1, lon: 2 },
    });
    const z2 = await raise(h.alerts, {
      residentId: 'r2',
      zoneId: 'z2',
      kind: 'vital.hr_high',
      priority: 'medium',
      title: 'hr',
    });
    const got = await zoned.waitFor((e) => e.event === 'alert' && e.envelope.data.id === z2.id);
    expect(got.envelope.type).toBe('alert.raised');
    const own = await resident.waitFor((e) => e.event === 'alert' && e.envelope.data.id === z1.id);
    expect(own.envelope.data).not.toHaveProperty('location');
    expect(alertsOf(zoned.events, z1.id)).toEqual([]);
    expect(alertsOf(resident.events, z2.id)).toEqual([]);
  });
});

describe('replay (contract §2 "No lost events")', () => {
  it('replays missed events in order after lastEventId, then sync complete:true, then goes live', async () => {
    const first = track(recordingSocket(h.base, { token: as('care1') }));
    const sync = await first.waitFor((e) => e.event === 'sync');
    const resumeFrom = sync.envelope.data.lastEventId as string;
    first.socket.close();

    const a = await raise(h.alerts, { kind: 'sos', title: 'sos 1', residentId: 'r2', zoneId: 'z2' });
    const b = await raise(h.alerts, { kind: 'fall', title: 'fall 1', residentId: 'r2', zoneId: 'z2' });
    await h.alerts.acknowledge(a.id, 'care1');
    await raise(h.alerts, { facilityId: 'f2', residentId: 'r3', kind: 'fall', title: 'elsewhere' });

    const again = track(recordingSocket(h.base, { token: as('care1'), lastEventId: resumeFrom }));
    const done = await again.waitFor((e) => e.event === 'sync');
    const before = again.events.slice(0, again.events.indexOf(done));
    expect(before.map((e) => [e.envelope.type, e.envelope.data.id])).toEqual([
      ['alert.raised', a.id],
      ['alert.raised', b.id],
      ['alert.acknowledged', a.id],
    ]);
    const ids = before.map((e) => e.envelope.id as string);
    expect([...ids].sort()).toEqual(ids);
    expect(done.envelope.data).toMatchObject({
      replayed: 3,
      complete: true,
      lastEventId: await h.stores.events.lastId(),
    });

    const live = await raise(h.alerts, {
      kind: 'vital.rr_high',
      priority: 'medium',
      title: 'rr',
      residentId: 'r2',
      zoneId: 'z2',
    });
    await again.waitFor((e) => e.event === 'alert' && e.envelope.data.id === live.id);
    expect(alertsOf(again.events, a.id)).toEqual(['alert.raised', 'alert.acknowledged']);
  });

  it('loses and duplicates nothing when events keep coming during the replay', async () => {
    const first = track(recordingSocket(h.base, { token: as('manager1') }));
    const resumeFrom = (await first.waitFor((e) => e.event === 'sync')).envelope.data.lastEventId as string;
    first.socket.close();
    const raised: string[] = [];
    for (let i = 0; i < 20; i++)
      raised.push((await raise(h.alerts, { kind: 'sos', residentId: `burst${i}`, title: 'b' })).id);

    const again = track(recordingSocket(h.base, { token: as('manager1'), lastEventId: resumeFrom }));
    // Keep appending while the replay runs.
    for (let i = 20; i < 60; i++)
      raised.push((await raise(h.alerts, { kind: 'sos', residentId: `burst${i}`, title: 'b' })).id);
    await again.waitFor((e) => e.event === 'alert' && e.envelope.data.id === raised.at(-1));
    const got = again.events.filter((e) => e.event === 'alert').map((e) => e.envelope.data.id);
    expect(got).toEqual(raised);
    const ids = again.events.filter((e) => e.event === 'alert').map((e) => e.envelope.id as string);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reports complete:false for an id the log never issued', async () => {
    const r = track(recordingSocket(h.base, { token: as('care1'), lastEventId: '99999999999999-0' }));
    const sync = await r.waitFor((e) => e.event === 'sync');
    expect(sync.envelope.data.complete).toBe(false);
  });
});

describe('client → server', () => {
  it('subscribe:vitals acks ok for an allowed resident and errors otherwise; receipts are recorded', async () => {
    const r = track(recordingSocket(h.base, { token: as('care1') }));
    await r.waitFor((e) => e.event === 'sync');
    const ack = (req: unknown) => r.socket.timeout(3000).emitWithAck('subscribe:vitals', req);
    expect(await ack({ residentIds: ['r1'] })).toEqual({ ok: true });
    expect(await ack({ residentIds: ['r3'] })).toMatchObject({ error: { code: 'not_found' } });
    expect(await ack({ residentIds: 'r1' })).toMatchObject({ error: { code: 'invalid_input' } });

    h.gateway.vitalsFeed.publish('f1', { residentId: 'r1', ts: new Date().toISOString(), hr: 88 });
    const v = await r.waitFor((e) => e.event === 'vitals');
    expect(v.envelope).toMatchObject({ type: 'vitals.sample', facilityId: 'f1', data: { residentId: 'r1', hr: 88 } });

    // Receipts count for alerts the user may see (issue 13: an unknown id is ignored, not recorded).
    const shown = await raise(h.alerts, { kind: 'device.low_battery', priority: 'low', title: 'battery' });
    r.socket.emit('receipt', { alertId: 'al_x' });
    r.socket.emit('receipt', { nope: true });
    r.socket.emit('receipt', { alertId: shown.id });
    await expect.poll(() => h.gateway.receipts.get(shown.id)?.[0]?.userId).toBe('care1');
    expect(h.gateway.receipts.get('al_x')).toBeUndefined();
  });

  it('forbids live vitals of a resident whose consent does not cover the role', async () => {
    const r = track(recordingSocket(h.base, { token: as('manager1') }));
    await r.waitFor((e) => e.event === 'sync');
    expect(await r.socket.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ['r2'] })).toMatchObject({
      error: { code: 'forbidden' },
    });
  });
});

describe('consent withdrawn while watching (contract §4.3)', () => {
  it('stops live vitals at once for the roles the consent no longer covers', async () => {
    const r = track(recordingSocket(h.base, { token: as('care1') }));
    await r.waitFor((e) => e.event === 'sync');
    expect(await r.socket.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ['r1', 'r2'] })).toEqual({
      ok: true,
    });
    const off = await api(h.base, 'PUT', '/api/residents/r2/consent', {
      token: as('admin'),
      body: { caregiver: false },
    });
    expect(off.status).toBe(200);
    try {
      h.gateway.vitalsFeed.publish('f1', { residentId: 'r2', ts: new Date().toISOString(), hr: 99 });
      h.gateway.vitalsFeed.publish('f1', { residentId: 'r1', ts: new Date().toISOString(), hr: 61 });
      await r.waitFor((e) => e.event === 'vitals' && e.envelope.data.hr === 61);
      expect(r.events.filter((e) => e.event === 'vitals' && e.envelope.data.residentId === 'r2')).toEqual([]);
    } finally {
      await api(h.base, 'PUT', '/api/residents/r2/consent', { token: as('admin'), body: { caregiver: true } });
    }
  });
});

describe('vitals throttle (contract §2: at most 1 per second per resident)', () => {
  it('sends the first sample at once and the latest one when the second is over', async () => {
    const clock = new ManualClock(Date.now());
    const t = await startHarness({ clock });
    try {
      const token = await login(t.base, 'care1');
      const r = track(recordingSocket(t.base, { token }));
      await r.waitFor((e) => e.event === 'sync');
      expect(await r.socket.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ['r1'] })).toEqual({
        ok: true,
      });
      const at = () => new Date(clock.now()).toISOString();
      t.gateway.vitalsFeed.publish('f1', { residentId: 'r1', ts: at(), hr: 70 });
      t.gateway.vitalsFeed.publish('f1', { residentId: 'r1', ts: at(), hr: 71 });
      clock.advance(500);
      t.gateway.vitalsFeed.publish('f1', { residentId: 'r1', ts: at(), hr: 72 });
      await r.waitFor((e) => e.event === 'vitals' && e.envelope.data.hr === 70);
      clock.advance(500);
      await r.waitFor((e) => e.event === 'vitals' && e.envelope.data.hr === 72);
      const hrs = r.events.filter((e) => e.event === 'vitals').map((e) => e.envelope.data.hr);
      expect(hrs).toEqual([70, 72]);
    } finally {
      await t.close();
    }
  });
});
