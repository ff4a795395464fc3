import type { Alert } from '@vigil/contracts';
import { DEFAULT_CONSENT, DEFAULT_RULE_SETTINGS } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { ConflictError, type Stores } from '../src/types.ts';

/**
 * The one conformance suite every store implementation passes (STYLE.md §4): memory today, Redis in
 * issue 5. `make` returns fresh, empty stores whose clock is `now`.
 */
export function storeConformance(name: string, make: (now: () => number) => Promise<Stores>) {
  describe(`${name} stores conformance`, () => {
    const alert = (over: Partial<Alert> = {}): Alert => ({
      id: 'al_1',
      facilityId: 'f1',
      residentId: 'r1',
      kind: 'sos',
      priority: 'high',
      state: 'active',
      title: 'SOS',
      explanation: { rule: 'r', inputs: {}, condition: 'c' },
      raisedAt: '2026-01-01T00:00:00.000Z',
      lastSeenAt: '2026-01-01T00:00:00.000Z',
      occurrences: 1,
      escalationLevel: 0,
      ...over,
    });

    it('users: unique usernames, case-insensitive lookup, filter by facility', async () => {
      const s = await make(Date.now);
      const u = {
        id: 'u1',
        username: 'Mei',
        name: 'Mei',
        role: 'caregiver' as const,
        facilityIds: ['f1'],
        onDuty: true,
        passwordHash: 'h',
      };
      await s.users.put(u);
      expect((await s.users.getByUsername('mei'))?.id).toBe('u1');
      await expect(s.users.put({ ...u, id: 'u2' })).rejects.toBeInstanceOf(ConflictError);
      await s.users.put({ ...u, username: 'mei2' });
      expect(await s.users.getByUsername('mei')).toBeUndefined();
      expect((await s.users.list({ facilityId: 'f1' })).map((x) => x.id)).toEqual(['u1']);
      expect(await s.users.list({ facilityId: 'f2' })).toEqual([]);
      expect(await s.users.count()).toBe(1);
    });

    it('returns copies: mutating a result does not change the store', async () => {
      const s = await make(Date.now);
      await s.facilities.put({ id: 'f1', name: 'A', zones: [] });
      const f = await s.facilities.get('f1');
      f?.zones.push({ id: 'z', name: 'z' });
      expect((await s.facilities.get('f1'))?.zones).toEqual([]);
    });

    it('residents and consent', async () => {
      const s = await make(Date.now);
      await s.residents.put({
        id: 'r1',
        facilityId: 'f1',
        name: 'A',
        zoneId: 'z',
        roomId: 'x',
        carePlan: {},
        consent: DEFAULT_CONSENT,
      });
      await s.residents.setConsent('r1', { ...DEFAULT_CONSENT, location: true });
      expect((await s.residents.get('r1'))?.consent.location).toBe(true);
      const planned = await s.residents.setCarePlan('r1', { spo2Scale: 2 });
      expect(planned).toMatchObject({ carePlan: { spo2Scale: 2 }, carePlanVersion: 2, consent: { location: true } });
      expect((await s.residents.setCarePlan('r1', {}))?.carePlanVersion).toBe(3);
      expect(await s.residents.setCarePlan('nobody', {})).toBeUndefined();
      expect(await s.residents.list({ facilityId: 'f2' })).toEqual([]);
    });

    it('devices: touch patches live fields only', async () => {
      const s = await make(Date.now);
      await s.devices.put({
        id: 'd1',
        kind: 'wearable',
        facilityId: 'f1',
        residentId: 'r1',
        secretHash: 'h',
        state: 'provisioned',
        createdAt: 1,
      });
      await s.devices.touch('d1', { state: 'online', lastSeenAt: 5, battery: 80 });
      await s.devices.touch('nope', { state: 'online' });
      expect(await s.devices.get('d1')).toMatchObject({ state: 'online', lastSeenAt: 5, battery: 80, secretHash: 'h' });
      expect((await s.devices.list({ residentId: 'r1' })).length).toBe(1);
      expect(await s.devices.get('nope')).toBeUndefined();
    });

    it('counters and duplicate claims', async () => {
      const s = await make(Date.now);
      await s.counters.addAccepted('d1', 3);
      await s.counters.addDuplicates('d1', 1);
      await s.counters.addRejected('d1', 'invalid_json');
      await s.counters.addRejected('d1', 'invalid_json', 2);
      expect(await s.counters.get('d1')).toEqual({ accepted: 3, duplicates: 1, rejected: { invalid_json: 3 } });
      expect(await s.counters.get('d2')).toEqual({ accepted: 0, duplicates: 0, rejected: {} });
      expect(await s.seqs.claim('d1', 'vitals', [1, 2, 2])).toEqual([true, true, false]);
      expect(await s.seqs.claim('d1', 'vitals', [2, 3])).toEqual([false, true]);
      expect(await s.seqs.claim('d1', 'events', [2])).toEqual([true]);
    });

    it('alerts: one open alert per subject and kind is findable until resolved', async () => {
      const s = await make(Date.now);
      await s.alerts.put(alert());
      expect((await s.alerts.findOpen('f1', 'r1', 'sos'))?.id).toBe('al_1');
      expect(await s.alerts.findOpen('f1', 'r1', 'fall')).toBeUndefined();
      await s.alerts.put(alert({ state: 'resolved', outcome: 'handled' }));
      expect(await s.alerts.findOpen('f1', 'r1', 'sos')).toBeUndefined();
      await s.alerts.put(alert({ id: 'al_2', facilityId: 'f2' }));
      expect((await s.alerts.list({ state: 'open' })).map((a) => a.id)).toEqual(['al_2']);
      expect((await s.alerts.list({ facilityIds: ['f1'] })).map((a) => a.id)).toEqual(['al_1']);
      expect((await s.alerts.list({ state: 'resolved' })).map((a) => a.id)).toEqual(['al_1']);
    });

    it('vitals history: latest by device time, ranges in order', async () => {
      const s = await make(Date.now);
      await s.vitals.append('r1', { ts: 2000, hr: 80, worn: true });
      await s.vitals.append('r1', { ts: 1000, hr: 70, spo2: 96 });
      const latest = await s.vitals.latest('r1');
      expect(latest?.values.hr).toEqual({ v: 80, ts: 2000 });
      expect(latest?.values.spo2).toEqual({ v: 96, ts: 1000 });
      expect(latest?.worn).toEqual({ v: true, ts: 2000 });
      expect((await s.vitals.range('r1', 0, 5000)).map((p) => p.ts)).toEqual([1000, 2000]);
      expect(await s.vitals.latest('r2')).toBeUndefined();
    });

    it('rule settings per facility, rule state per key, both returned as copies', async () => {
      const s = await make(Date.now);
      expect(await s.ruleSettings.get('f1')).toBeUndefined();
      const settings = { ...DEFAULT_RULE_SETTINGS, facilityId: 'f1', version: 2, updatedBy: 'u1' };
      await s.ruleSettings.put(settings);
      const got = await s.ruleSettings.get('f1');
      expect(got).toEqual(settings);
      if (got) got.vitals.hr.high = 1;
      expect((await s.ruleSettings.get('f1'))?.vitals.hr.high).toBe(DEFAULT_RULE_SETTINGS.vitals.hr.high);
      expect(await s.ruleSettings.get('f2')).toBeUndefined();

      expect(await s.ruleState.get('r1')).toBeUndefined();
      const state = { tracks: { news2: { tail: [{ ts: 1, tier: 2, clear: false }] } }, n: 1.5 };
      await s.ruleState.put('r1', state);
      state.n = 9;
      const back = await s.ruleState.get<typeof state>('r1');
      expect(back).toEqual({ tracks: { news2: { tail: [{ ts: 1, tier: 2, clear: false }] } }, n: 1.5 });
      await s.ruleState.put('r1', { n: 2 });
      expect(await s.ruleState.get('r1')).toEqual({ n: 2 });
    });

    it('event log: ordered ids, replay after an id, live subscription', async () => {
      let now = 1_000;
      const s = await make(() => now);
      const seen: string[] = [];
      const off = s.events.subscribe((e) => seen.push(e.envelope.id));
      const a = await s.events.append({ event: 'alert', type: 'alert.raised', facilityId: 'f1', data: alert() });
      const b = await s.events.append({ event: 'alert', type: 'alert.updated', facilityId: 'f1', data: alert() });
      now = 2_000;
      const c = await s.events.append({ event: 'alert', type: 'alert.resolved', facilityId: 'f1', data: alert() });
      off();
      expect([a, b, c].map((e) => e.envelope.id)).toEqual(['1000-0', '1000-1', '2000-0']);
      expect(seen).toEqual(['1000-0', '1000-1', '2000-0']);
      const r = await s.events.readAfter('1000-0');
      expect(r.complete).toBe(true);
      expect(r.events.map((e) => e.envelope.type)).toEqual(['alert.updated', 'alert.resolved']);
      expect(await s.events.lastId()).toBe('2000-0');
      expect(a.envelope).toMatchObject({ facilityId: 'f1', at: '1970-01-01T00:00:01.000Z' });
    });
  });
}
