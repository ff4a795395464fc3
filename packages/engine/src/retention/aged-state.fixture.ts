import type { Alert, Task } from '@vigil/contracts';
import { DEFAULT_CONSENT } from '@vigil/contracts';
import type { Stores } from '@vigil/stores';
import { expect } from 'vitest';

/**
 * Test support shared by the sweeper's unit test (memory) and its integration test (Redis): state at
 * known ages, and what a sweep with the default policy must leave of it.
 */
export const DAY = 24 * 3_600_000;

/** What one test stores: resolved/open alerts, done/open tasks, warnings and vitals at known ages. */
export async function seedAged(stores: Stores, now: number): Promise<void> {
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
  const alert = (id: string, over: Partial<Alert>): Alert => ({
    id,
    facilityId: 'f1',
    residentId: 'r1',
    kind: 'sos',
    priority: 'high',
    state: 'resolved',
    title: 'SOS',
    explanation: { rule: 'r', inputs: {}, condition: 'c' },
    raisedAt: at(200),
    lastSeenAt: at(200),
    occurrences: 1,
    escalationLevel: 0,
    ...over,
  });
  await stores.alerts.put(alert('resolved-100d', { resolvedAt: at(100) }));
  await stores.alerts.put(alert('resolved-10d', { kind: 'fall', resolvedAt: at(10) }));
  await stores.alerts.put(alert('open-200d', { kind: 'news2', state: 'active' }));
  const task = (id: string, over: Partial<Task>): Task => ({
    id,
    facilityId: 'f1',
    kind: 'onsite_check',
    role: 'caregiver',
    priority: 'high',
    state: 'done',
    createdAt: at(200),
    acceptBy: at(200),
    completeBy: at(200),
    escalationLevel: 0,
    ...over,
  });
  await stores.tasks.put(task('done-100d', { completedAt: at(100) }));
  await stores.tasks.put(task('done-10d', { completedAt: at(10) }));
  await stores.tasks.put(task('open-200d', { state: 'assigned', assigneeId: 'u1' }));
  for (const [id, days] of [
    ['w-100d', 100],
    ['w-10d', 10],
  ] as const) {
    await stores.slaWarnings.put({
      id,
      facilityId: 'f1',
      kind: 'accept_overdue',
      limitMs: 1,
      detail: 'd',
      raisedAt: at(days),
    });
  }
  await stores.residents.put({
    id: 'r1',
    facilityId: 'f1',
    name: 'Ada',
    zoneId: 'z1',
    roomId: '101',
    carePlan: {},
    consent: { ...DEFAULT_CONSENT },
  });
  for (const days of [40, 32, 30, 1]) await stores.vitals.append('r1', { ts: now - days * DAY, hr: 70 });
}

/** The survivors of a sweep with the default policy (92 days; vitals 31 days). */
export async function expectSwept(stores: Stores, now: number): Promise<void> {
  expect((await stores.alerts.list()).map((a) => a.id).sort()).toEqual(['open-200d', 'resolved-10d']);
  expect((await stores.tasks.list()).map((t) => t.id).sort()).toEqual(['done-10d', 'open-200d']);
  expect((await stores.slaWarnings.list()).map((w) => w.id)).toEqual(['w-10d']);
  expect((await stores.vitals.range('r1', 0, now)).map((p) => Math.round((now - p.ts) / DAY))).toEqual([30, 1]);
}
