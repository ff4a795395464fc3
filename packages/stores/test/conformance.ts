import type { Alert, AuditEntry, SlaWarning, Task } from '@vigil/contracts';
import { DEFAULT_CONSENT, DEFAULT_POLICY, DEFAULT_RULE_SETTINGS } from '@vigil/contracts';
import { describe, expect, it, vi } from 'vitest';
import { AUDIT_RETENTION_MS, ConflictError, compareOffsets, type Deadline, type Stores } from '../src/types.ts';

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
    const task = (over: Partial<Task> = {}): Task => ({
      id: 't1',
      facilityId: 'f1',
      kind: 'onsite_check',
      role: 'caregiver',
      priority: 'high',
      state: 'open',
      createdAt: '2026-01-01T00:00:00.000Z',
      acceptBy: '2026-01-01T00:02:00.000Z',
      completeBy: '2026-01-01T00:15:00.000Z',
      escalationLevel: 0,
      ...over,
    });
    const warning = (over: Partial<SlaWarning> = {}): SlaWarning => ({
      id: 'w1',
      facilityId: 'f1',
      kind: 'accept_overdue',
      limitMs: 120_000,
      detail: 'd',
      raisedAt: '2026-01-01T00:00:00.000Z',
      ...over,
    });
    const deadline = (over: Partial<Deadline> = {}): Deadline => ({
      id: 'task:t1:accept',
      dueAt: 1_000,
      facilityId: 'f1',
      kind: 'task_accept',
      taskId: 't1',
      ...over,
    });
    const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
      id: 'au1',
      at: '2026-01-01T00:00:00.000Z',
      facilityId: 'f1',
      residentId: 'r1',
      actorId: 'u1',
      actorRole: 'caregiver',
      action: 'vitals.read',
      purpose: 'care',
      outcome: 'allowed',
      ...over,
    });
    const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);
    /** An audit entry without its chain fields (audit-conformance.ts checks those). */
    const unchained = ({ hash: _h, prevHash: _p, ...e }: AuditEntry): AuditEntry => e;

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
        profile: 'cuff',
        facilityId: 'f1',
        residentId: 'r1',
        secretHash: 'h',
        state: 'provisioned',
        createdAt: 1,
      });
      await s.devices.touch('d1', { state: 'online', lastSeenAt: 5, battery: 80, recentIntervalsMs: [1000, 900] });
      await s.devices.touch('nope', { state: 'online' });
      const live = { state: 'online', lastSeenAt: 5, battery: 80, recentIntervalsMs: [1000, 900], profile: 'cuff' };
      expect(await s.devices.get('d1')).toMatchObject({ ...live, secretHash: 'h' });
      expect(await s.devices.list({ residentId: 'r1' })).toMatchObject([live]);
      // A put replaces the record, live fields included.
      await s.devices.put({
        id: 'd1',
        kind: 'wearable',
        facilityId: 'f1',
        secretHash: 'h',
        state: 'offline',
        createdAt: 1,
      });
      expect(await s.devices.get('d1')).not.toHaveProperty('recentIntervalsMs');
      expect(await s.devices.get('nope')).toBeUndefined();
    });

    it('devices: setSecretHash replaces the hash only while it is the expected one, live fields kept', async () => {
      const s = await make(Date.now);
      await s.devices.put({
        id: 'd1',
        kind: 'wearable',
        facilityId: 'f1',
        residentId: 'r1',
        secretHash: '$argon2id$old',
        state: 'provisioned',
        createdAt: 1,
      });
      await s.devices.touch('d1', { state: 'online', lastSeenAt: 5, battery: 80, recentIntervalsMs: [1000] });
      expect(await s.devices.setSecretHash('d1', '$argon2id$old', 'hmac-sha256$p$new')).toBe(true);
      const live = { state: 'online', lastSeenAt: 5, battery: 80, recentIntervalsMs: [1000] };
      expect(await s.devices.get('d1')).toEqual({
        id: 'd1',
        kind: 'wearable',
        facilityId: 'f1',
        residentId: 'r1',
        secretHash: 'hmac-sha256$p$new',
        createdAt: 1,
        ...live,
      });
      // A touch after the rewrite still lands, and the list sees the new hash.
      await s.devices.touch('d1', { state: 'offline' });
      expect(await s.devices.list()).toMatchObject([{ ...live, state: 'offline', secretHash: 'hmac-sha256$p$new' }]);
      // Not the expected hash any more (re-provisioned, or migrated by another process): left alone.
      expect(await s.devices.setSecretHash('d1', '$argon2id$old', 'hmac-sha256$p$other')).toBe(false);
      expect((await s.devices.get('d1'))?.secretHash).toBe('hmac-sha256$p$new');
      expect(await s.devices.setSecretHash('nope', '$argon2id$old', 'hmac-sha256$p$new')).toBe(false);
      expect(await s.devices.get('nope')).toBeUndefined();
    });

    it('uplink log: lanes per partition in order, read after an offset, trim, backlog, wake-ups', async () => {
      const s = await make(Date.now);
      const woke: string[] = [];
      const stop = s.uplinks.onAppend((p, lane) => woke.push(`${p}:${lane}`));
      for (let i = 0; i < 5; i++) await s.uplinks.append(3, 'routine', { n: i, hr: 70 + i }, 'f1');
      await s.uplinks.append(3, 'urgent', { sos: true }, 'f1');
      await s.uplinks.append(4, 'routine', { n: 99 }, 'f2');
      const all = await s.uplinks.read(3, 'routine', undefined, 10);
      expect(all.map((r) => r.record)).toEqual([0, 1, 2, 3, 4].map((n) => ({ n, hr: 70 + n })));
      // Offsets increase; reading after one gives what follows, at most `max`.
      for (let i = 1; i < all.length; i++)
        expect(compareOffsets(all[i]?.offset ?? '', all[i - 1]?.offset ?? '')).toBeGreaterThan(0);
      const after = await s.uplinks.read(3, 'routine', all[1]?.offset, 2);
      expect(after.map((r) => (r.record as { n: number }).n)).toEqual([2, 3]);
      expect((await s.uplinks.read(3, 'urgent', undefined, 10)).map((r) => r.record)).toEqual([{ sos: true }]);
      expect(await s.uplinks.read(5, 'routine', undefined, 10)).toEqual([]);
      expect(await s.uplinks.backlog(3, 'routine')).toBe(5);
      await s.uplinks.trim(3, 'routine', all[2]?.offset ?? '');
      expect(await s.uplinks.backlog(3, 'routine')).toBe(2);
      expect((await s.uplinks.read(3, 'routine', undefined, 10)).map((r) => (r.record as { n: number }).n)).toEqual([
        3, 4,
      ]);
      expect(await s.uplinks.backlog(4, 'routine')).toBe(1);
      await vi.waitFor(() => expect(woke).toEqual(expect.arrayContaining(['3:routine', '3:urgent', '4:routine'])));
      stop();
    });

    it('partition leases: one holder, fenced by an epoch, renewed and released only by it', async () => {
      const s = await make(Date.now);
      expect(await s.leases.heartbeat('engine-b', 5000)).toEqual(['engine-b']);
      expect(await s.leases.heartbeat('engine-a', 5000)).toEqual(['engine-a', 'engine-b']);
      const e1 = await s.leases.acquire(7, 'engine-a', 5000);
      expect(e1).toBeGreaterThan(0);
      expect(await s.leases.acquire(7, 'engine-b', 5000)).toBeUndefined();
      expect(await s.leases.renew(7, 'engine-a', e1 ?? 0, 5000)).toBe(true);
      expect(await s.leases.renew(7, 'engine-b', e1 ?? 0, 5000)).toBe(false);
      await s.leases.release(7, 'engine-b', e1 ?? 0);
      expect(await s.leases.acquire(7, 'engine-b', 5000)).toBeUndefined();
      await s.leases.release(7, 'engine-a', e1 ?? 0);
      const e2 = await s.leases.acquire(7, 'engine-b', 5000);
      expect(e2).toBeGreaterThan(e1 ?? 0);
      expect(await s.leases.renew(7, 'engine-a', e1 ?? 0, 5000)).toBe(false);
      await s.leases.leave('engine-a');
      expect(await s.leases.heartbeat('engine-b', 5000)).toEqual(['engine-b']);
    });

    it('partition leases run out without renewal; a late renewal keeps one nobody took', async () => {
      const s = await make(Date.now);
      const e1 = (await s.leases.acquire(2, 'engine-a', 60)) ?? 0;
      expect(e1).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 120));
      // Ran out while engine-a was slow, nobody took it: the renewal takes it back.
      expect(await s.leases.renew(2, 'engine-a', e1, 60)).toBe(true);
      await new Promise((r) => setTimeout(r, 120));
      const e2 = (await s.leases.acquire(2, 'engine-b', 5000)) ?? 0;
      expect(e2).toBeGreaterThan(e1);
      // Taken by another since: engine-a's ownership is over.
      expect(await s.leases.renew(2, 'engine-a', e1, 60)).toBe(false);
      expect(await s.leases.renew(2, 'engine-b', e2, 5000)).toBe(true);
    });

    it('partition checkpoints: saved and loaded, refused from an older epoch', async () => {
      const s = await make(Date.now);
      expect(await s.checkpoints.load(4)).toBeUndefined();
      const e1 = (await s.leases.acquire(4, 'engine-a', 5000)) ?? 0;
      const cp = { epoch: e1, offsets: { routine: '5-0' }, state: { subjects: [['resident:r1', { hr: 88 }]] } };
      expect(await s.checkpoints.save(4, cp)).toBe(true);
      expect(await s.checkpoints.load(4)).toEqual(cp);
      await s.leases.release(4, 'engine-a', e1);
      const e2 = (await s.leases.acquire(4, 'engine-b', 5000)) ?? 0;
      // The old owner, stalled past its lease, cannot overwrite the new owner's work.
      expect(await s.checkpoints.save(4, { ...cp, offsets: { routine: '9-0' } })).toBe(false);
      expect(await s.checkpoints.save(4, { ...cp, epoch: e2, offsets: { routine: '7-0' } })).toBe(true);
      expect((await s.checkpoints.load(4))?.offsets).toEqual({ routine: '7-0' });
    });

    it('counters', async () => {
      const s = await make(Date.now);
      await s.counters.addAccepted('d1', 3);
      await s.counters.addDuplicates('d1', 1);
      await s.counters.addRejected('d1', 'invalid_json');
      await s.counters.addRejected('d1', 'invalid_json', 2);
      expect(await s.counters.get('d1')).toEqual({ accepted: 3, duplicates: 1, rejected: { invalid_json: 3 } });
      expect(await s.counters.get('d2')).toEqual({ accepted: 0, duplicates: 0, rejected: {} });
    });

    it('locks: runs on one key never overlap, different keys run concurrently, results pass through', async () => {
      const s = await make(Date.now);
      let active = 0;
      let maxActive = 0;
      const order: number[] = [];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.locks.run('k', async () => {
            active++;
            maxActive = Math.max(maxActive, active);
            await new Promise((r) => setTimeout(r, 1));
            order.push(i);
            active--;
            return i * 2;
          }),
        ),
      );
      expect(maxActive).toBe(1);
      expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
      expect(order).toHaveLength(20);

      // 'x' is held until 'y' has run: if keys were not independent, this would never finish.
      let releaseX!: () => void;
      let xEntered!: () => void;
      const entered = new Promise<void>((r) => {
        xEntered = r;
      });
      const x = s.locks.run('x', async () => {
        xEntered();
        await new Promise<void>((r) => {
          releaseX = r;
        });
        return 'x';
      });
      await entered;
      expect(await s.locks.run('y', async () => 'y')).toBe('y');
      releaseX();
      expect(await x).toBe('x');
    });

    it('locks: a run whose fn throws rejects with its error and releases the key', async () => {
      const s = await make(Date.now);
      await expect(
        s.locks.run('k', async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      // Within the test timeout, far below any lease: the key was released, not left to lapse.
      expect(await s.locks.run('k', async () => 'next')).toBe('next');
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

    it('tasks: upsert by id, every list filter, oldest first by createdAt', async () => {
      const s = await make(Date.now);
      expect(await s.tasks.get('t1')).toBeUndefined();
      expect(await s.tasks.list()).toEqual([]);
      // Put out of creation order: list must sort by createdAt, not by insertion.
      await s.tasks.put(task({ id: 't3', createdAt: '2026-01-01T00:03:00.000Z', state: 'accepted', assigneeId: 'u1' }));
      await s.tasks.put(task({ id: 't1', createdAt: '2026-01-01T00:01:00.000Z', alertId: 'al_1' }));
      await s.tasks.put(
        task({
          id: 't5',
          createdAt: '2026-01-01T00:05:00.000Z',
          facilityId: 'f2',
          kind: 'remote_consult',
          role: 'medical',
          state: 'in_progress',
          assigneeId: 'u2',
        }),
      );
      await s.tasks.put(task({ id: 't2', createdAt: '2026-01-01T00:02:00.000Z', state: 'assigned', assigneeId: 'u1' }));
      await s.tasks.put(
        task({ id: 't4', createdAt: '2026-01-01T00:04:00.000Z', state: 'done', assigneeId: 'u1', alertId: 'al_1' }),
      );
      await s.tasks.put(
        task({
          id: 't6',
          createdAt: '2026-01-01T00:06:00.000Z',
          facilityId: 'f3',
          kind: 'facility_maintenance',
          role: 'maintenance',
          state: 'cancelled',
          cancelReason: 'alert resolved',
        }),
      );

      expect(ids(await s.tasks.list())).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
      expect(ids(await s.tasks.list({}))).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
      expect(ids(await s.tasks.list({ facilityId: 'f1' }))).toEqual(['t1', 't2', 't3', 't4']);
      expect(ids(await s.tasks.list({ facilityId: 'f9' }))).toEqual([]);
      expect(ids(await s.tasks.list({ facilityIds: ['f2', 'f3'] }))).toEqual(['t5', 't6']);
      expect(ids(await s.tasks.list({ facilityIds: [] }))).toEqual([]);
      expect(ids(await s.tasks.list({ state: 'open' }))).toEqual(['t1']);
      expect(ids(await s.tasks.list({ state: 'assigned' }))).toEqual(['t2']);
      expect(ids(await s.tasks.list({ state: 'done' }))).toEqual(['t4']);
      expect(ids(await s.tasks.list({ state: 'cancelled' }))).toEqual(['t6']);
      // `active` = assigned | accepted | in_progress: never open, done or cancelled.
      expect(ids(await s.tasks.list({ state: 'active' }))).toEqual(['t2', 't3', 't5']);
      expect(ids(await s.tasks.list({ assigneeId: 'u1' }))).toEqual(['t2', 't3', 't4']);
      expect(ids(await s.tasks.list({ alertId: 'al_1' }))).toEqual(['t1', 't4']);
      expect(ids(await s.tasks.list({ kind: 'remote_consult' }))).toEqual(['t5']);
      expect(ids(await s.tasks.list({ kind: 'onsite_check' }))).toEqual(['t1', 't2', 't3', 't4']);
      // Filters combine with AND.
      expect(ids(await s.tasks.list({ assigneeId: 'u1', state: 'active' }))).toEqual(['t2', 't3']);
      expect(ids(await s.tasks.list({ facilityIds: ['f1', 'f2'], state: 'active', kind: 'onsite_check' }))).toEqual([
        't2',
        't3',
      ]);
      expect(ids(await s.tasks.list({ facilityId: 'f2', assigneeId: 'u1' }))).toEqual([]);

      // Put replaces by id and the filters follow the new value (no stale index entries).
      await s.tasks.put(task({ id: 't2', createdAt: '2026-01-01T00:02:00.000Z', state: 'done', assigneeId: 'u3' }));
      expect(ids(await s.tasks.list())).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
      expect(ids(await s.tasks.list({ state: 'active' }))).toEqual(['t3', 't5']);
      expect(ids(await s.tasks.list({ assigneeId: 'u1' }))).toEqual(['t3', 't4']);
      expect(ids(await s.tasks.list({ assigneeId: 'u3', state: 'done' }))).toEqual(['t2']);
      expect(await s.tasks.get('t2')).toEqual(
        task({ id: 't2', createdAt: '2026-01-01T00:02:00.000Z', state: 'done', assigneeId: 'u3' }),
      );
      expect(await s.tasks.get('t6')).toMatchObject({ cancelReason: 'alert resolved', role: 'maintenance' });
      expect(await s.tasks.get('nope')).toBeUndefined();
    });

    it('tasks: returned as copies, and the stored value is a copy of the argument', async () => {
      const s = await make(Date.now);
      const t = task({ passedBy: ['u1'], context: { zone: 'z1' } });
      await s.tasks.put(t);
      t.passedBy?.push('u9');
      t.state = 'done';
      const got = await s.tasks.get('t1');
      expect(got).toEqual(task({ passedBy: ['u1'], context: { zone: 'z1' } }));
      got?.passedBy?.push('u2');
      if (got) {
        got.state = 'cancelled';
        got.context = { zone: 'z2' };
      }
      const [listed] = await s.tasks.list();
      listed?.passedBy?.push('u3');
      if (listed) listed.state = 'accepted';
      expect(await s.tasks.get('t1')).toEqual(task({ passedBy: ['u1'], context: { zone: 'z1' } }));
      expect(ids(await s.tasks.list({ state: 'open' }))).toEqual(['t1']);
    });

    it('sla warnings: upsert by id, every list filter, oldest first by raisedAt, copies', async () => {
      const s = await make(Date.now);
      const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min)).toISOString();
      const ms = (min: number) => Date.UTC(2026, 0, 1, 0, min);
      expect(await s.slaWarnings.get('w1')).toBeUndefined();
      expect(await s.slaWarnings.list()).toEqual([]);
      await s.slaWarnings.put(warning({ id: 'w3', raisedAt: at(30), staffId: 'u1', taskId: 't3' }));
      await s.slaWarnings.put(warning({ id: 'w1', raisedAt: at(10), kind: 'alert_unacknowledged', alertId: 'al_1' }));
      await s.slaWarnings.put(
        warning({
          id: 'w4',
          raisedAt: at(40),
          facilityId: 'f2',
          kind: 'staff_repeated_overdue',
          staffId: 'u2',
          count: 3,
        }),
      );
      await s.slaWarnings.put(warning({ id: 'w2', raisedAt: at(20), staffId: 'u1', kind: 'complete_overdue' }));
      await s.slaWarnings.put(warning({ id: 'w5', raisedAt: at(50), facilityId: 'f3', staffId: 'u1' }));

      expect(ids(await s.slaWarnings.list())).toEqual(['w1', 'w2', 'w3', 'w4', 'w5']);
      expect(ids(await s.slaWarnings.list({ facilityId: 'f1' }))).toEqual(['w1', 'w2', 'w3']);
      expect(ids(await s.slaWarnings.list({ facilityId: 'f9' }))).toEqual([]);
      expect(ids(await s.slaWarnings.list({ facilityIds: ['f2', 'f3'] }))).toEqual(['w4', 'w5']);
      expect(ids(await s.slaWarnings.list({ facilityIds: [] }))).toEqual([]);
      expect(ids(await s.slaWarnings.list({ staffId: 'u1' }))).toEqual(['w2', 'w3', 'w5']);
      expect(ids(await s.slaWarnings.list({ kind: 'accept_overdue' }))).toEqual(['w3', 'w5']);
      expect(ids(await s.slaWarnings.list({ kind: 'consult_response_streak' }))).toEqual([]);
      // from/to bound raisedAt (epoch ms); bounds chosen between warnings, so inclusivity is not pinned.
      expect(ids(await s.slaWarnings.list({ from: ms(15) }))).toEqual(['w2', 'w3', 'w4', 'w5']);
      expect(ids(await s.slaWarnings.list({ to: ms(35) }))).toEqual(['w1', 'w2', 'w3']);
      expect(ids(await s.slaWarnings.list({ from: ms(15), to: ms(45) }))).toEqual(['w2', 'w3', 'w4']);
      expect(ids(await s.slaWarnings.list({ from: ms(41), to: ms(49) }))).toEqual([]);
      // Filters combine with AND.
      expect(ids(await s.slaWarnings.list({ staffId: 'u1', facilityId: 'f1', from: ms(25) }))).toEqual(['w3']);
      expect(ids(await s.slaWarnings.list({ facilityIds: ['f1', 'f3'], kind: 'accept_overdue', to: ms(35) }))).toEqual([
        'w3',
      ]);

      // Put replaces by id (a retried handler cannot warn twice), and filters follow the new value.
      await s.slaWarnings.put(warning({ id: 'w3', raisedAt: at(30), staffId: 'u2', taskId: 't3', actualMs: 150_000 }));
      expect(ids(await s.slaWarnings.list())).toEqual(['w1', 'w2', 'w3', 'w4', 'w5']);
      expect(ids(await s.slaWarnings.list({ staffId: 'u1' }))).toEqual(['w2', 'w5']);
      expect(ids(await s.slaWarnings.list({ staffId: 'u2' }))).toEqual(['w3', 'w4']);
      expect(await s.slaWarnings.get('w3')).toEqual(
        warning({ id: 'w3', raisedAt: at(30), staffId: 'u2', taskId: 't3', actualMs: 150_000 }),
      );
      // A replacement with a new raisedAt moves in the order and in the time filters.
      await s.slaWarnings.put(warning({ id: 'w1', raisedAt: at(55), kind: 'alert_unacknowledged', alertId: 'al_1' }));
      expect(ids(await s.slaWarnings.list())).toEqual(['w2', 'w3', 'w4', 'w5', 'w1']);
      expect(ids(await s.slaWarnings.list({ to: ms(15) }))).toEqual([]);
      expect(await s.slaWarnings.get('nope')).toBeUndefined();

      // Copies, both ways.
      const w = warning({ id: 'w9', raisedAt: at(59), detail: 'original' });
      await s.slaWarnings.put(w);
      w.detail = 'changed after put';
      const got = await s.slaWarnings.get('w9');
      expect(got?.detail).toBe('original');
      if (got) got.detail = 'changed after get';
      const listed = (await s.slaWarnings.list({ from: ms(58) }))[0];
      expect(listed?.detail).toBe('original');
      if (listed) listed.staffId = 'u1';
      expect(await s.slaWarnings.get('w9')).toEqual(warning({ id: 'w9', raisedAt: at(59), detail: 'original' }));
    });

    it('policies: per facility, put replaces, returned as copies', async () => {
      const s = await make(Date.now);
      expect(await s.policies.get('f1')).toBeUndefined();
      const policy = structuredClone({ ...DEFAULT_POLICY, facilityId: 'f1', version: 2, updatedBy: 'u1' });
      await s.policies.put(policy);
      policy.escalation.pop();
      policy.ackLimitMs.high = 5_000;
      const expected = { ...structuredClone(DEFAULT_POLICY), facilityId: 'f1', version: 2, updatedBy: 'u1' };
      const got = await s.policies.get('f1');
      expect(got).toEqual(expected);
      got?.escalation.splice(0);
      if (got) got.acceptLimitMs.onsite_check = 1_000;
      expect(await s.policies.get('f1')).toEqual(expected);
      expect(await s.policies.get('f2')).toBeUndefined();

      await s.policies.put({ ...structuredClone(DEFAULT_POLICY), facilityId: 'f2', version: 1, escalation: [] });
      await s.policies.put({
        ...structuredClone(DEFAULT_POLICY),
        facilityId: 'f1',
        version: 3,
        updatedAt: '2026-01-01T00:00:00.000Z',
        escalation: [{ target: 'manager', afterMs: { high: 60_000, medium: 60_000, low: 60_000 } }],
      });
      expect(await s.policies.get('f1')).toMatchObject({
        version: 3,
        updatedAt: '2026-01-01T00:00:00.000Z',
        escalation: [{ target: 'manager' }],
      });
      expect((await s.policies.get('f1'))?.escalation).toHaveLength(1);
      expect(await s.policies.get('f2')).toMatchObject({ facilityId: 'f2', version: 1, escalation: [] });
      // Every version put is kept, oldest first, per facility, as copies (issue 14 policy history).
      const versions = await s.policies.history('f1');
      expect(versions.map((v) => v.version)).toEqual([2, 3]);
      expect(versions[0]).toEqual(expected);
      versions[0]?.escalation.splice(0);
      expect((await s.policies.history('f1'))[0]).toEqual(expected);
      expect((await s.policies.history('f2')).map((v) => v.version)).toEqual([1]);
      expect(await s.policies.history('f3')).toEqual([]);
    });

    it('audit log: newest first, ties by append order, every filter, limit, copies (contract §4.2)', async () => {
      const t0 = Date.UTC(2026, 0, 1);
      const s = await make(() => t0 + 3_600_000);
      const at = (min: number) => new Date(t0 + min * 60_000).toISOString();
      const ms = (min: number) => t0 + min * 60_000;
      expect(await s.audit.list()).toEqual([]);
      // Appended slightly out of `at` order, as concurrent requests do.
      await s.audit.append(entry({ id: 'a2', at: at(2), detail: 'task tk_1', action: 'task_context.read' }));
      await s.audit.append(entry({ id: 'a1', at: at(1) }));
      await s.audit.append(entry({ id: 'a3', at: at(3), residentId: 'r2', actorRole: 'medical', purpose: 'consult' }));
      await s.audit.append(entry({ id: 'a4', at: at(4), facilityId: 'f2', residentId: 'r9', outcome: 'denied' }));
      await s.audit.append(entry({ id: 'a5', at: at(5), facilityId: 'f3', residentId: 'r1' }));
      // Three in one millisecond: the later appended first.
      await s.audit.append(entry({ id: 'a6b', at: at(6) }));
      await s.audit.append(entry({ id: 'a6a', at: at(6) }));
      await s.audit.append(entry({ id: 'a6c', at: at(6), residentId: 'r2' }));

      expect(ids(await s.audit.list())).toEqual(['a6c', 'a6a', 'a6b', 'a5', 'a4', 'a3', 'a2', 'a1']);
      expect(ids(await s.audit.list({ facilityId: 'f1' }))).toEqual(['a6c', 'a6a', 'a6b', 'a3', 'a2', 'a1']);
      expect(ids(await s.audit.list({ facilityId: 'f9' }))).toEqual([]);
      expect(ids(await s.audit.list({ facilityIds: ['f2', 'f3'] }))).toEqual(['a5', 'a4']);
      expect(ids(await s.audit.list({ facilityIds: [] }))).toEqual([]);
      expect(ids(await s.audit.list({ facilityIds: ['f1', 'f2'], facilityId: 'f2' }))).toEqual(['a4']);
      expect(ids(await s.audit.list({ facilityIds: ['f1'], facilityId: 'f2' }))).toEqual([]);
      // residentId alone spans facilities (a resident id is unique, but the log does not rely on it).
      expect(ids(await s.audit.list({ residentId: 'r1' }))).toEqual(['a6a', 'a6b', 'a5', 'a2', 'a1']);
      expect(ids(await s.audit.list({ residentId: 'r1', facilityId: 'f1' }))).toEqual(['a6a', 'a6b', 'a2', 'a1']);
      expect(ids(await s.audit.list({ residentId: 'r2', facilityIds: ['f1', 'f2'] }))).toEqual(['a6c', 'a3']);
      expect(ids(await s.audit.list({ residentId: 'nobody' }))).toEqual([]);
      // from and to are inclusive, on `at`.
      expect(ids(await s.audit.list({ from: ms(3), to: ms(5) }))).toEqual(['a5', 'a4', 'a3']);
      expect(ids(await s.audit.list({ from: ms(6) }))).toEqual(['a6c', 'a6a', 'a6b']);
      expect(ids(await s.audit.list({ to: ms(1) }))).toEqual(['a1']);
      expect(ids(await s.audit.list({ from: ms(4) + 1, to: ms(5) - 1 }))).toEqual([]);
      // The limit keeps the newest, across facilities and ties.
      expect(ids(await s.audit.list({ limit: 2 }))).toEqual(['a6c', 'a6a']);
      expect(ids(await s.audit.list({ limit: 4, facilityIds: ['f1', 'f2', 'f3'] }))).toEqual([
        'a6c',
        'a6a',
        'a6b',
        'a5',
      ]);
      expect(ids(await s.audit.list({ limit: 2, residentId: 'r1', to: ms(5) }))).toEqual(['a5', 'a2']);
      expect(await s.audit.list({ limit: 0 })).toEqual([]);
      // Filters combine with AND.
      expect(ids(await s.audit.list({ facilityId: 'f1', residentId: 'r2', from: ms(4) }))).toEqual(['a6c']);

      // Round trip, optional detail absent or present; copies both ways.
      const listed = await s.audit.list({ to: ms(2) });
      expect(listed.map(unchained)).toEqual([
        entry({ id: 'a2', at: at(2), detail: 'task tk_1', action: 'task_context.read' }),
        entry({ id: 'a1', at: at(1) }),
      ]);
      expect('detail' in (listed[1] ?? {})).toBe(false);
      if (listed[0]) listed[0].outcome = 'denied';
      const mine = entry({ id: 'a7', at: at(7) });
      await s.audit.append(mine);
      mine.actorId = 'someone-else';
      expect(await s.audit.list({ from: ms(2), to: ms(2) })).toMatchObject([{ id: 'a2', outcome: 'allowed' }]);
      expect((await s.audit.list({ from: ms(7) })).map(unchained)).toEqual([entry({ id: 'a7', at: at(7) })]);
    });

    it('audit log: entries older than the retention (400 days by default) are gone', async () => {
      const day = 24 * 3_600_000;
      const t0 = Date.UTC(2026, 0, 1);
      let now = t0;
      const s = await make(() => now);
      expect(AUDIT_RETENTION_MS).toBe(400 * day);
      const at = (ms: number) => new Date(ms).toISOString();
      await s.audit.append(entry({ id: 'old', at: at(t0) }));
      await s.audit.append(entry({ id: 'old-r2', at: at(t0 + 1), residentId: 'r2' }));
      await s.audit.append(entry({ id: 'mid', at: at(t0 + 100 * day) }));
      now = t0 + 400 * day;
      // Exactly at the retention: still kept.
      expect(ids(await s.audit.list())).toEqual(['mid', 'old-r2', 'old']);
      now = t0 + 400 * day + 2;
      // Gone from every view even before anything else is appended (and trimmed).
      expect(ids(await s.audit.list())).toEqual(['mid']);
      expect(ids(await s.audit.list({ residentId: 'r2' }))).toEqual([]);
      expect(ids(await s.audit.list({ from: t0 - day }))).toEqual(['mid']);
      await s.audit.append(entry({ id: 'new', at: at(now) }));
      expect(ids(await s.audit.list({ facilityId: 'f1' }))).toEqual(['new', 'mid']);
      now = t0 + 600 * day;
      expect(ids(await s.audit.list())).toEqual(['new']);
      // An entry already past the retention when it arrives is not kept.
      await s.audit.append(entry({ id: 'stale', at: at(now - 401 * day) }));
      expect(ids(await s.audit.list())).toEqual(['new']);
    });

    it('deadlines: schedule replaces by id, cancel removes, list filters by facility, copies', async () => {
      const s = await make(Date.now);
      expect(await s.deadlines.list()).toEqual([]);
      await s.deadlines.schedule(deadline({ id: 'a', dueAt: 1_000 }));
      await s.deadlines.schedule(
        deadline({ id: 'b', dueAt: 2_000, facilityId: 'f2', kind: 'alert_ack', alertId: 'al_1' }),
      );
      await s.deadlines.schedule(deadline({ id: 'c', dueAt: 3_000, kind: 'task_escalate', step: 1 }));
      const sorted = (xs: Deadline[]) => [...xs].sort((x, y) => x.id.localeCompare(y.id));
      expect(ids(sorted(await s.deadlines.list()))).toEqual(['a', 'b', 'c']);
      expect(ids(sorted(await s.deadlines.list({})))).toEqual(['a', 'b', 'c']);
      expect(ids(sorted(await s.deadlines.list({ facilityId: 'f1' })))).toEqual(['a', 'c']);
      expect(await s.deadlines.list({ facilityId: 'f2' })).toMatchObject([
        { id: 'b', dueAt: 2_000, kind: 'alert_ack', alertId: 'al_1' },
      ]);
      expect(await s.deadlines.list({ facilityId: 'f9' })).toEqual([]);

      // Same id again: replaced, not duplicated (the new due time and fields win).
      await s.deadlines.schedule(deadline({ id: 'c', dueAt: 5_000, kind: 'task_escalate', step: 2 }));
      expect(ids(sorted(await s.deadlines.list()))).toEqual(['a', 'b', 'c']);
      expect((await s.deadlines.list()).find((d) => d.id === 'c')).toMatchObject({ dueAt: 5_000, step: 2 });
      // Only the new due time counts: at 4_000 'c' (now due 5_000) is not claimed.
      expect(ids(await s.deadlines.claimDue(4_000, 10, 60_000))).toEqual(['a', 'b']);

      // The caller's object is copied in, and listed values are copies.
      const d = deadline({ id: 'e', dueAt: 9_000 });
      await s.deadlines.schedule(d);
      d.dueAt = 0;
      d.facilityId = 'f2';
      const listed = (await s.deadlines.list()).find((x) => x.id === 'e');
      expect(listed).toMatchObject({ dueAt: 9_000, facilityId: 'f1' });
      if (listed) {
        listed.dueAt = 0;
        listed.facilityId = 'f2';
      }
      // 'a' and 'b' are still leased; 'e' is not due yet whatever the copies say.
      expect(ids(await s.deadlines.claimDue(8_999, 10, 60_000))).toEqual(['c']);
      expect(ids(await s.deadlines.list({ facilityId: 'f2' }))).toEqual(['b']);

      // get: one deadline by id as stored, a copy; `claim` only while a worker holds it.
      expect(await s.deadlines.get('e')).toMatchObject({ id: 'e', dueAt: 9_000, facilityId: 'f1', attempts: 0 });
      expect((await s.deadlines.get('e'))?.claim).toBeUndefined();
      expect(await s.deadlines.get('c')).toMatchObject({ id: 'c', attempts: 1, claim: expect.any(String) });
      expect(await s.deadlines.get('nope')).toBeUndefined();

      // Cancel removes (an unknown id is a no-op); a cancelled deadline never fires.
      await s.deadlines.cancel('e');
      await s.deadlines.cancel('nope');
      expect(ids(sorted(await s.deadlines.list()))).toEqual(['a', 'b', 'c']);
      expect(await s.deadlines.get('e')).toBeUndefined();
      expect(ids(await s.deadlines.claimDue(1_000_000, 10, 60_000)).sort()).toEqual(['a', 'b', 'c']);
    });

    it('deadlines: claimDue returns due ones earliest first, respects limit, leaves future ones', async () => {
      const s = await make(Date.now);
      expect(await s.deadlines.claimDue(1_000_000, 10, 60_000)).toEqual([]);
      // Scheduled out of order; one is due exactly at `now`, two are in the future.
      await s.deadlines.schedule(deadline({ id: 'd3', dueAt: 3_000 }));
      await s.deadlines.schedule(deadline({ id: 'future1', dueAt: 5_001 }));
      await s.deadlines.schedule(deadline({ id: 'd1', dueAt: 1_000, kind: 'alert_ack', alertId: 'al_1' }));
      await s.deadlines.schedule(deadline({ id: 'd5', dueAt: 5_000 }));
      await s.deadlines.schedule(deadline({ id: 'future2', dueAt: 9_000 }));
      await s.deadlines.schedule(deadline({ id: 'd2', dueAt: 2_000, facilityId: 'f2' }));
      await s.deadlines.schedule(deadline({ id: 'd4', dueAt: 4_000, kind: 'task_escalate', step: 1 }));

      const first = await s.deadlines.claimDue(5_000, 2, 60_000);
      expect(ids(first)).toEqual(['d1', 'd2']);
      expect(first[0]).toMatchObject({ id: 'd1', dueAt: 1_000, kind: 'alert_ack', alertId: 'al_1', attempts: 1 });
      expect(first[1]).toMatchObject({ id: 'd2', facilityId: 'f2', attempts: 1 });
      const second = await s.deadlines.claimDue(5_000, 2, 60_000);
      expect(ids(second)).toEqual(['d3', 'd4']);
      expect(second[1]).toMatchObject({ kind: 'task_escalate', step: 1, attempts: 1 });
      // d5 is due at exactly `now`; the future ones stay put.
      expect(ids(await s.deadlines.claimDue(5_000, 10, 60_000))).toEqual(['d5']);
      expect(await s.deadlines.claimDue(5_000, 10, 60_000)).toEqual([]);
      expect(ids(await s.deadlines.list()).sort()).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'future1', 'future2']);

      // Claimed ones stay hidden for the lease; future ones come due untouched (first claim).
      const later = await s.deadlines.claimDue(10_000, 10, 60_000);
      expect(ids(later)).toEqual(['future1', 'future2']);
      expect(later.map((d) => d.attempts)).toEqual([1, 1]);

      // Mutating a claimed value does not change the store.
      first[0]!.attempts = 7;
      first[0]!.facilityId = 'f9';
      for (const d of [...first, ...second]) await s.deadlines.done(d.id, d.claim ?? '');
      expect(ids(await s.deadlines.list()).sort()).toEqual(['d5', 'future1', 'future2']);
      expect(await s.deadlines.list({ facilityId: 'f9' })).toEqual([]);
    });

    it('deadlines: two concurrent claimDue calls never return the same deadline', async () => {
      const s = await make(Date.now);
      const n = 20;
      for (let i = 0; i < n; i++) {
        await s.deadlines.schedule(
          deadline({ id: `d${String(i).padStart(2, '0')}`, dueAt: 1_000 + i, taskId: `t${i}` }),
        );
      }
      await s.deadlines.schedule(deadline({ id: 'future', dueAt: 2_000 }));
      const [a, b] = await Promise.all([
        s.deadlines.claimDue(1_500, 15, 60_000),
        s.deadlines.claimDue(1_500, 15, 60_000),
      ]);
      expect(a.length).toBeLessThanOrEqual(15);
      expect(b.length).toBeLessThanOrEqual(15);
      const all = [...ids(a), ...ids(b)];
      expect(new Set(all).size).toBe(all.length);
      // Between them every due deadline was claimed exactly once, and nothing not yet due.
      expect(all.sort()).toEqual(Array.from({ length: n }, (_, i) => `d${String(i).padStart(2, '0')}`));
      for (const d of [...a, ...b]) expect(d.attempts).toBe(1);
      // Each caller's batch is earliest first.
      for (const batch of [a, b]) {
        expect(batch.map((d) => d.dueAt)).toEqual([...batch.map((d) => d.dueAt)].sort((x, y) => x - y));
      }

      // Many callers at once, limit 1 each: still no deadline handed out twice.
      const many = await Promise.all(Array.from({ length: 8 }, () => s.deadlines.claimDue(2_500, 1, 60_000)));
      expect(many.flat().map((d) => d.id)).toEqual(['future']);
      expect(many.every((xs) => xs.length <= 1)).toBe(true);
    });

    it('deadlines: an un-done claim comes due again after the lease with attempts 2', async () => {
      const s = await make(Date.now);
      await s.deadlines.schedule(deadline({ id: 'a', dueAt: 1_000 }));
      await s.deadlines.schedule(deadline({ id: 'b', dueAt: 1_000, taskId: 't2' }));
      const claimed = await s.deadlines.claimDue(1_000, 10, 30_000);
      expect(ids(claimed).sort()).toEqual(['a', 'b']);
      expect(claimed.map((d) => d.attempts)).toEqual([1, 1]);
      await s.deadlines.done('b', claimed.find((d) => d.id === 'b')?.claim ?? '');
      // 'a' was never done: its worker died. Hidden during the lease, then due again.
      expect(await s.deadlines.claimDue(1_000, 10, 30_000)).toEqual([]);
      expect(await s.deadlines.claimDue(30_999, 10, 30_000)).toEqual([]);
      const again = await s.deadlines.claimDue(31_001, 10, 30_000);
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ id: 'a', facilityId: 'f1', kind: 'task_accept', taskId: 't1', attempts: 2 });
      // The dead worker's late `done` (first claim) must not remove the live second claim.
      await s.deadlines.done('a', claimed.find((d) => d.id === 'a')?.claim ?? '');
      expect(ids(await s.deadlines.list())).toEqual(['a']);
      const third = await s.deadlines.claimDue(100_000, 10, 30_000);
      expect(third).toMatchObject([{ id: 'a', attempts: 3 }]);
      // The current holder's `done` removes it for good.
      await s.deadlines.done('a', third[0]?.claim ?? '');
      expect(await s.deadlines.list()).toEqual([]);
      expect(await s.deadlines.claimDue(1_000_000, 10, 30_000)).toEqual([]);
      // done for an unknown id is a no-op.
      await s.deadlines.done('nope', 'no-claim');
    });

    it('deadlines: a stale done after a re-schedule keeps the new deadline', async () => {
      const s = await make(Date.now);
      await s.deadlines.schedule(deadline({ id: 'task:t1:accept', dueAt: 1_000, step: 0 }));
      const [claim] = await s.deadlines.claimDue(1_000, 10, 30_000);
      expect(claim).toMatchObject({ id: 'task:t1:accept', attempts: 1 });
      // While the handler runs, the same limit is scheduled again (e.g. the task was reassigned).
      await s.deadlines.schedule(deadline({ id: 'task:t1:accept', dueAt: 50_000, step: 1 }));
      await s.deadlines.done('task:t1:accept', claim?.claim ?? '');
      expect(await s.deadlines.list()).toMatchObject([{ id: 'task:t1:accept', dueAt: 50_000, step: 1 }]);
      // The new one fires on its own schedule (not when the old lease would have ended).
      expect(await s.deadlines.claimDue(49_999, 10, 30_000)).toEqual([]);
      const [next] = await s.deadlines.claimDue(50_000, 10, 30_000);
      expect(next).toMatchObject({ id: 'task:t1:accept', dueAt: 50_000, step: 1 });
      await s.deadlines.done('task:t1:accept', next?.claim ?? '');
      expect(await s.deadlines.list()).toEqual([]);

      // Claimed, re-scheduled and claimed by another worker: the first worker's late `done` leaves
      // the second claim alone, so it still fires if the second worker dies.
      await s.deadlines.schedule(deadline({ id: 'y', dueAt: 60_000 }));
      const [first] = await s.deadlines.claimDue(60_000, 10, 1_000);
      await s.deadlines.schedule(deadline({ id: 'y', dueAt: 61_000 }));
      const [second] = await s.deadlines.claimDue(61_000, 10, 1_000);
      expect(second?.claim).not.toBe(first?.claim);
      await s.deadlines.done('y', first?.claim ?? '');
      expect(ids(await s.deadlines.claimDue(70_000, 10, 1_000))).toEqual(['y']);
      await s.deadlines.cancel('y');

      // Re-scheduled while claimed, then cancelled: gone, and the old lease does not bring it back.
      await s.deadlines.schedule(deadline({ id: 'x', dueAt: 100_000 }));
      expect(ids(await s.deadlines.claimDue(100_000, 10, 30_000))).toEqual(['x']);
      await s.deadlines.cancel('x');
      expect(await s.deadlines.list()).toEqual([]);
      expect(await s.deadlines.claimDue(1_000_000, 10, 30_000)).toEqual([]);
    });
  });
}
