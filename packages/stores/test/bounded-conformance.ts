import type { Alert, SlaWarning, Task } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import type { Page, PageQuery, Stores } from '../src/types.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (offsetS: number) => new Date(T0 + offsetS * 1000).toISOString();

/**
 * Keyset paging and retention (issue 12 "bounded state"), shared by the memory and Redis stores so
 * both give the same pages (STYLE.md §4).
 */
export function boundedStateConformance(name: string, make: (now: () => number) => Promise<Stores>) {
  describe(`${name} stores: paging and retention`, () => {
    const alert = (id: string, over: Partial<Alert> = {}): Alert => ({
      id,
      facilityId: 'f1',
      residentId: 'r1',
      kind: 'sos',
      priority: 'high',
      state: 'active',
      title: 'SOS',
      explanation: { rule: 'r', inputs: {}, condition: 'c' },
      raisedAt: iso(0),
      lastSeenAt: iso(0),
      occurrences: 1,
      escalationLevel: 0,
      ...over,
    });
    const task = (id: string, over: Partial<Task> = {}): Task => ({
      id,
      facilityId: 'f1',
      kind: 'onsite_check',
      role: 'caregiver',
      priority: 'high',
      state: 'open',
      createdAt: iso(0),
      acceptBy: iso(120),
      completeBy: iso(900),
      escalationLevel: 0,
      ...over,
    });
    const warning = (id: string, over: Partial<SlaWarning> = {}): SlaWarning => ({
      id,
      facilityId: 'f1',
      kind: 'accept_overdue',
      limitMs: 120_000,
      detail: 'd',
      raisedAt: iso(0),
      ...over,
    });
    const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);

    /** Every page from the start, following `next`, as a client following the Link header would. */
    async function walk<T extends { id: string }>(
      read: (q: PageQuery) => Promise<Page<T>>,
      q: PageQuery,
    ): Promise<string[][]> {
      const pages: string[][] = [];
      let after = q.after;
      for (let guard = 0; guard < 100; guard++) {
        const page = await read({ ...q, ...(after && { after }) });
        pages.push(ids(page.items));
        if (!page.next) return pages;
        after = page.next;
      }
      throw new Error('paging never ended');
    }

    it('alerts page in the board order (high first, newest first), keyset by (key, id)', async () => {
      const s = await make(Date.now);
      await s.alerts.put(alert('a-low', { priority: 'low', raisedAt: iso(50) }));
      await s.alerts.put(alert('b-high-old', { raisedAt: iso(10) }));
      await s.alerts.put(alert('c-med', { priority: 'medium', raisedAt: iso(30) }));
      await s.alerts.put(alert('d-high-new', { raisedAt: iso(20) }));
      // Same priority and millisecond: the id breaks the tie.
      await s.alerts.put(alert('e-high-new', { raisedAt: iso(20) }));
      const pages = await walk((q) => s.alerts.page({}, q), { limit: 2 });
      expect(pages).toEqual([['d-high-new', 'e-high-new'], ['b-high-old', 'c-med'], ['a-low']]);
    });

    it('alert pages are stable under inserts between requests, and follow a priority change', async () => {
      const s = await make(Date.now);
      for (let i = 0; i < 5; i++) await s.alerts.put(alert(`a${i}`, { raisedAt: iso(100 - i) }));
      const first = await s.alerts.page({}, { limit: 2 });
      expect(ids(first.items)).toEqual(['a0', 'a1']);
      // Newer than anything shown: sorts before the cursor, so the next page neither repeats nor skips.
      await s.alerts.put(alert('newest', { raisedAt: iso(200) }));
      // Older: lands on a later page.
      await s.alerts.put(alert('older', { raisedAt: iso(1) }));
      const rest = await walk((q) => s.alerts.page({}, q), { limit: 2, ...(first.next && { after: first.next }) });
      expect(rest.flat()).toEqual(['a2', 'a3', 'a4', 'older']);
      // A worsening re-sorts the alert: it moves into the high band.
      await s.alerts.put(alert('m', { priority: 'medium', raisedAt: iso(300) }));
      await s.alerts.put(alert('m', { priority: 'high', raisedAt: iso(300) }));
      expect(ids((await s.alerts.page({}, { limit: 1 })).items)).toEqual(['m']);
    });

    it('alert pages filter by facility scope, state, resident and raisedAt bounds', async () => {
      const s = await make(Date.now);
      await s.alerts.put(alert('f1-open', { raisedAt: iso(10) }));
      await s.alerts.put(alert('f2-open', { facilityId: 'f2', raisedAt: iso(20) }));
      await s.alerts.put(alert('f3-open', { facilityId: 'f3', raisedAt: iso(30) }));
      await s.alerts.put(alert('f1-resolved', { state: 'resolved', resolvedAt: iso(40), raisedAt: iso(40) }));
      // Many alerts of another resident between the matches: the page still fills past them.
      for (let i = 0; i < 30; i++) await s.alerts.put(alert(`other${i}`, { residentId: 'r9', raisedAt: iso(15) }));
      await s.alerts.put(alert('f1-open-2', { raisedAt: iso(5) }));

      const scoped = await walk((q) => s.alerts.page({ facilityIds: ['f1', 'f2'], residentId: 'r1' }, q), {
        limit: 2,
      });
      expect(scoped).toEqual([
        ['f1-resolved', 'f2-open'],
        ['f1-open', 'f1-open-2'],
      ]);
      const open = await s.alerts.page({ facilityIds: ['f1', 'f2'], residentId: 'r1', state: 'open' }, { limit: 10 });
      expect(ids(open.items)).toEqual(['f2-open', 'f1-open', 'f1-open-2']);
      expect(open.next).toBeUndefined();
      const bounded = await s.alerts.page({ residentId: 'r1' }, { limit: 10, from: T0 + 10_000, to: T0 + 30_000 });
      expect(ids(bounded.items)).toEqual(['f3-open', 'f2-open', 'f1-open']);
      expect(ids((await s.alerts.page({ facilityId: 'f2', facilityIds: ['f1'] }, { limit: 10 })).items)).toEqual([]);
      expect(ids((await s.alerts.page({ facilityIds: [] }, { limit: 10 })).items)).toEqual([]);
    });

    it('tasks page oldest first by createdAt, filtered and bounded', async () => {
      const s = await make(Date.now);
      await s.tasks.put(task('t3', { createdAt: iso(30) }));
      await s.tasks.put(task('t1', { createdAt: iso(10) }));
      await s.tasks.put(task('t2', { createdAt: iso(20), state: 'assigned', assigneeId: 'u1' }));
      await s.tasks.put(task('t4', { createdAt: iso(40), facilityId: 'f2' }));
      expect(await walk((q) => s.tasks.page({}, q), { limit: 3 })).toEqual([['t1', 't2', 't3'], ['t4']]);
      expect(ids((await s.tasks.page({ facilityIds: ['f1'], state: 'active' }, { limit: 5 })).items)).toEqual(['t2']);
      expect(ids((await s.tasks.page({}, { limit: 5, from: T0 + 20_000, to: T0 + 30_000 })).items)).toEqual([
        't2',
        't3',
      ]);
    });

    it('SLA warnings page oldest first by raisedAt', async () => {
      const s = await make(Date.now);
      for (const [id, at] of [
        ['w2', 20],
        ['w1', 10],
        ['w3', 30],
      ] as const)
        await s.slaWarnings.put(warning(id, { raisedAt: iso(at) }));
      await s.slaWarnings.put(warning('other', { facilityId: 'f2', raisedAt: iso(15) }));
      expect(await walk((q) => s.slaWarnings.page({ facilityIds: ['f1'] }, q), { limit: 2 })).toEqual([
        ['w1', 'w2'],
        ['w3'],
      ]);
      expect(ids((await s.slaWarnings.page({}, { limit: 9, to: T0 + 15_000 })).items)).toEqual(['w1', 'other']);
    });

    it('retention removes resolved alerts only, and only those resolved before the cutoff', async () => {
      const s = await make(Date.now);
      const cutoff = T0 + 1000_000;
      await s.alerts.put(alert('old-resolved', { state: 'resolved', resolvedAt: iso(10) }));
      await s.alerts.put(alert('new-resolved', { kind: 'fall', state: 'resolved', resolvedAt: iso(2000) }));
      // Raised long ago but still open: a resident in trouble is never swept away.
      await s.alerts.put(alert('old-open', { kind: 'news2', raisedAt: iso(-100_000) }));
      expect(await s.alerts.removeResolvedBefore(cutoff, 100)).toBe(1);
      expect(await s.alerts.get('old-resolved')).toBeUndefined();
      expect(ids(await s.alerts.list())).toEqual(expect.arrayContaining(['new-resolved', 'old-open']));
      expect(ids((await s.alerts.page({}, { limit: 10 })).items).sort()).toEqual(['new-resolved', 'old-open']);
      expect((await s.alerts.findOpen('f1', 'r1', 'news2'))?.id).toBe('old-open');
      expect(await s.alerts.removeResolvedBefore(cutoff, 100)).toBe(0);
    });

    it('retention removes up to `limit` at a time, so a sweep stays short', async () => {
      const s = await make(Date.now);
      for (let i = 0; i < 5; i++)
        await s.alerts.put(alert(`r${i}`, { kind: 'fall', state: 'resolved', resolvedAt: iso(i) }));
      expect(await s.alerts.removeResolvedBefore(T0 + 1000_000, 2)).toBe(2);
      expect(await s.alerts.removeResolvedBefore(T0 + 1000_000, 10)).toBe(3);
      expect(await s.alerts.list()).toEqual([]);
    });

    it('retention removes finished tasks and their index entries, never open ones', async () => {
      const s = await make(Date.now);
      const cutoff = T0 + 1000_000;
      await s.tasks.put(task('done-old', { state: 'done', alertId: 'al1', completedAt: iso(100) }));
      await s.tasks.put(task('cancelled-old', { state: 'cancelled', alertId: 'al1' }));
      await s.tasks.put(task('done-new', { state: 'done', completedAt: iso(2000) }));
      await s.tasks.put(task('open-old', { alertId: 'al1', state: 'accepted', assigneeId: 'u1' }));
      expect(await s.tasks.removeFinishedBefore(cutoff, 100)).toBe(2);
      expect(ids(await s.tasks.list()).sort()).toEqual(['done-new', 'open-old']);
      expect(ids(await s.tasks.list({ alertId: 'al1' }))).toEqual(['open-old']);
      expect(ids((await s.tasks.page({}, { limit: 10 })).items).sort()).toEqual(['done-new', 'open-old']);
    });

    it('retention removes SLA warnings raised before the cutoff', async () => {
      const s = await make(Date.now);
      await s.slaWarnings.put(warning('old', { raisedAt: iso(10) }));
      await s.slaWarnings.put(warning('new', { raisedAt: iso(2000) }));
      expect(await s.slaWarnings.removeBefore(T0 + 1000_000, 100)).toBe(1);
      expect(ids(await s.slaWarnings.list())).toEqual(['new']);
      expect(ids((await s.slaWarnings.page({}, { limit: 10 })).items)).toEqual(['new']);
    });

    it('vitals history drops points by age, keeping the latest values', async () => {
      const s = await make(Date.now);
      for (let i = 0; i < 5; i++) await s.vitals.append('r1', { ts: T0 + i * 1000, hr: 70 + i });
      expect(await s.vitals.trimBefore?.('r1', T0 + 3000)).toBe(3);
      expect((await s.vitals.range('r1', 0, T0 + 10_000)).map((p) => p.hr)).toEqual([73, 74]);
      expect((await s.vitals.latest('r1'))?.values.hr?.v).toBe(74);
      expect(await s.vitals.trimBefore?.('nobody', T0)).toBe(0);
    });
  });
}
