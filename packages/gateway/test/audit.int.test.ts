import { Writable } from 'node:stream';
import { AuditEntry, type Task } from '@vigil/contracts';
import { createMemoryStores, type AuditStore } from '@vigil/stores';
import { pino } from 'pino';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, connect, type Harness, type Json, login, recordingSocket, seed, startHarness } from './fixtures.ts';

/**
 * The audit log (contract §4.2: every read or change of resident health data: who, role, what, which
 * resident, when, purpose) as the gateway writes it at each place health data leaves it, and
 * `GET /api/audit`. One harness; each test looks at the entries of its own actors and actions.
 */
let h: Harness;
const tokens: Record<string, string> = {};
const as = (user: string) => tokens[user] ?? '';
const sockets: Socket[] = [];

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['admin', 'manager1', 'care1', 'care1z2', 'medical1', 'manager2', 'care2', 'res1user']) {
    tokens[u] = await login(h.base, u);
  }
  await h.stores.vitals.append('r1', { ts: Date.now() - 60_000, hr: 72, spo2: 97 });
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(() => h.close());

/** The newest entry matching, once it is there (writes never hold up the response). */
async function entryFor(match: Partial<AuditEntry>): Promise<AuditEntry> {
  return vi.waitFor(async () => {
    const hit = (await h.stores.audit.list({ limit: 5000 })).find((e) =>
      Object.entries(match).every(([k, v]) => e[k as keyof AuditEntry] === v),
    );
    if (!hit) throw new Error(`no audit entry like ${JSON.stringify(match)}`);
    return hit;
  });
}

const count = async (match: Partial<AuditEntry>) =>
  (await h.stores.audit.list({ limit: 5000 })).filter((e) =>
    Object.entries(match).every(([k, v]) => e[k as keyof AuditEntry] === v),
  ).length;

describe('recording (contract §4.2)', () => {
  it('a caregiver reading vitals, a report and the record: allowed, purpose care, valid entries', async () => {
    const before = Date.now();
    for (const path of ['/api/residents/r1/vitals', '/api/residents/r1/report', '/api/residents/r1']) {
      expect((await api(h.base, 'GET', path, { token: as('care1') })).status).toBe(200);
    }
    const vitals = await entryFor({ actorId: 'care1', action: 'vitals.read' });
    expect(AuditEntry.parse(vitals)).toEqual({
      id: expect.any(String),
      at: expect.any(String),
      facilityId: 'f1',
      residentId: 'r1',
      actorId: 'care1',
      actorRole: 'caregiver',
      action: 'vitals.read',
      purpose: 'care',
      outcome: 'allowed',
      // Chained by the store (issue 13).
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(Date.parse(vitals.at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(vitals.at)).toBeLessThanOrEqual(Date.now());
    await entryFor({ actorId: 'care1', action: 'report.read', purpose: 'care', outcome: 'allowed' });
    await entryFor({ actorId: 'care1', action: 'resident.read', purpose: 'care', outcome: 'allowed' });
  });

  it('medical staff reading a report and changing a care plan: purpose consult', async () => {
    expect((await api(h.base, 'GET', '/api/residents/r2/report', { token: as('medical1') })).status).toBe(200);
    await entryFor({ actorId: 'medical1', residentId: 'r2', action: 'report.read', purpose: 'consult' });
    const plan = await api(h.base, 'PUT', '/api/residents/r2/care-plan', {
      token: as('medical1'),
      body: { spo2Scale: 2 },
    });
    expect(plan.status).toBe(200);
    expect(
      await entryFor({ actorId: 'medical1', action: 'care_plan.change', residentId: 'r2', outcome: 'allowed' }),
    ).toMatchObject({ purpose: 'consult', actorRole: 'medical', detail: 'carePlanVersion 2; changed spo2Scale' });
    // A refused change is recorded as denied; an invalid one (400) changed nothing and is not.
    expect((await api(h.base, 'PUT', '/api/residents/r2/care-plan', { token: as('care1'), body: {} })).status).toBe(
      403,
    );
    expect(await entryFor({ actorId: 'care1', action: 'care_plan.change' })).toMatchObject({
      outcome: 'denied',
      purpose: 'care',
    });
    const invalid = { thresholds: { hr: { low: 120, high: 100 } } };
    expect(
      (await api(h.base, 'PUT', '/api/residents/r2/care-plan', { token: as('medical1'), body: invalid })).status,
    ).toBe(400);
    expect(await count({ actorId: 'medical1', action: 'care_plan.change' })).toBe(1);
  });

  it('a manager without the consent is refused, and the attempt is recorded as denied', async () => {
    const res = await api(h.base, 'GET', '/api/residents/r2/vitals', { token: as('manager1') });
    expect(res.status).toBe(403);
    expect(await entryFor({ actorId: 'manager1', action: 'vitals.read', residentId: 'r2' })).toMatchObject({
      actorRole: 'manager',
      purpose: 'administration',
      outcome: 'denied',
      detail: "the resident's consent does not cover your role",
    });
    // Outside a caregiver's zones: denied too, saying why.
    expect((await api(h.base, 'GET', '/api/residents/r1/report', { token: as('care1z2') })).status).toBe(403);
    expect(await entryFor({ actorId: 'care1z2', action: 'report.read' })).toMatchObject({
      outcome: 'denied',
      detail: 'the resident lives outside your zones',
    });
    // Another facility's resident is 404: nothing was shown, its existence never leaks, no entry.
    expect((await api(h.base, 'GET', '/api/residents/r1/vitals', { token: as('care2') })).status).toBe(404);
    expect(await count({ actorId: 'care2' })).toBe(0);
  });

  it('a resident reading their own data: purpose resident_self; someone else’s: denied', async () => {
    expect((await api(h.base, 'GET', '/api/residents/r1/vitals', { token: as('res1user') })).status).toBe(200);
    expect((await api(h.base, 'GET', '/api/residents/r1', { token: as('res1user') })).status).toBe(200);
    expect(await entryFor({ actorId: 'res1user', action: 'vitals.read' })).toMatchObject({
      residentId: 'r1',
      actorRole: 'resident',
      purpose: 'resident_self',
      outcome: 'allowed',
    });
    await entryFor({ actorId: 'res1user', action: 'resident.read', residentId: 'r1', outcome: 'allowed' });
    expect((await api(h.base, 'GET', '/api/residents/r2', { token: as('res1user') })).status).toBe(403);
    await entryFor({ actorId: 'res1user', action: 'resident.read', residentId: 'r2', outcome: 'denied' });
  });

  it('consent changes: by the resident (allowed, with what was asked) and by a manager (denied)', async () => {
    const refused = await api(h.base, 'PUT', '/api/residents/r1/consent', {
      token: as('manager1'),
      body: { manager: true },
    });
    expect(refused.status).toBe(403);
    expect(await entryFor({ actorId: 'manager1', action: 'consent.change' })).toMatchObject({
      outcome: 'denied',
      residentId: 'r1',
    });
    const own = await api(h.base, 'PUT', '/api/residents/r1/consent', {
      token: as('res1user'),
      body: { manager: true, location: false },
    });
    expect(own.status).toBe(200);
    expect(await entryFor({ actorId: 'res1user', action: 'consent.change' })).toMatchObject({
      outcome: 'allowed',
      purpose: 'resident_self',
      detail: 'manager=true location=false',
    });
    // With the consent, the manager's read is allowed.
    expect((await api(h.base, 'GET', '/api/residents/r1/vitals', { token: as('manager1') })).status).toBe(200);
    await entryFor({ actorId: 'manager1', action: 'vitals.read', residentId: 'r1', outcome: 'allowed' });
    // An admin on the resident's behalf.
    expect(
      (await api(h.base, 'PUT', '/api/residents/r1/consent', { token: as('admin'), body: { location: true } })).status,
    ).toBe(200);
    expect(await entryFor({ actorId: 'admin', action: 'consent.change' })).toMatchObject({
      purpose: 'administration',
      detail: 'location=true',
    });
  });

  it('a task’s context is recorded when it is shown over REST and Socket.IO, not when it is stripped', async () => {
    const now = new Date().toISOString();
    const task: Task = {
      id: 'tk_audit',
      facilityId: 'f1',
      kind: 'remote_consult',
      role: 'medical',
      priority: 'high',
      state: 'open',
      residentId: 'r2',
      zoneId: 'z2',
      createdAt: now,
      acceptBy: now,
      completeBy: now,
      escalationLevel: 0,
      context: { news2: { score: 5 } },
    };
    await h.stores.tasks.put(task);
    const got = await api(h.base, 'GET', '/api/tasks/tk_audit', { token: as('medical1') });
    expect(got.body.context).toBeDefined();
    expect(await entryFor({ actorId: 'medical1', action: 'task_context.read' })).toMatchObject({
      residentId: 'r2',
      facilityId: 'f1',
      purpose: 'consult',
      outcome: 'allowed',
      detail: 'task tk_audit',
    });
    // r2 never gave managers consent: the context is stripped, nothing was read.
    const stripped = await api(h.base, 'GET', '/api/tasks/tk_audit', { token: as('manager1') });
    expect(stripped.status).toBe(200);
    expect(stripped.body).not.toHaveProperty('context');
    expect(await count({ actorId: 'manager1', action: 'task_context.read' })).toBe(0);

    const medical = recordingSocket(h.base, { token: as('medical1') });
    const manager = recordingSocket(h.base, { token: as('manager1') });
    sockets.push(medical.socket, manager.socket);
    await Promise.all([medical.waitFor((e) => e.event === 'sync'), manager.waitFor((e) => e.event === 'sync')]);
    await h.stores.events.append({ event: 'task', type: 'task.created', facilityId: 'f1', data: task });
    const isTask = (e: { event: string; envelope: Json }) => e.event === 'task' && e.envelope.data.id === 'tk_audit';
    expect((await medical.waitFor(isTask)).envelope.data.context).toBeDefined();
    expect((await manager.waitFor(isTask)).envelope.data).not.toHaveProperty('context');
    await entryFor({ actorId: 'medical1', action: 'task_context.read', detail: 'task tk_audit (live task.created)' });
    expect(await count({ actorId: 'manager1', action: 'task_context.read' })).toBe(0);
  });

  it('live vitals subscriptions: allowed per resident, a refused one denied', async () => {
    const carer = await connect(h.base, { token: as('care1') });
    const manager = await connect(h.base, { token: as('manager2') });
    sockets.push(carer, manager);
    expect(await carer.emitWithAck('subscribe:vitals', { residentIds: ['r1', 'r2'] })).toEqual({ ok: true });
    for (const residentId of ['r1', 'r2']) {
      await entryFor({ actorId: 'care1', action: 'vitals.live_subscribe', residentId, outcome: 'allowed' });
    }
    // r3 (facility f2) gave managers no consent.
    const refused = await manager.emitWithAck('subscribe:vitals', { residentIds: ['r3'] });
    expect(refused.error.code).toBe('forbidden');
    expect(await entryFor({ actorId: 'manager2', action: 'vitals.live_subscribe' })).toMatchObject({
      facilityId: 'f2',
      residentId: 'r3',
      outcome: 'denied',
      purpose: 'administration',
    });
  });
});

describe('GET /api/audit', () => {
  const t0 = Date.now();
  const hours = (n: number) => t0 - n * 3_600_000;
  const old = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
    id: `au_old${i}`,
    at: new Date(hours(48 + i)).toISOString(),
    facilityId: 'f1',
    residentId: 'r1',
    actorId: 'care1',
    actorRole: 'caregiver',
    action: 'vitals.read',
    purpose: 'care',
    outcome: 'allowed',
    ...over,
  });

  beforeAll(async () => {
    // Two days back and older: one an hour, newest first au_old0 … au_old4; au_old2 is about r2.
    for (let i = 0; i < 5; i++) await h.stores.audit.append(old(i, i === 2 ? { residentId: 'r2' } : {}));
    await h.stores.audit.append(old(9, { facilityId: 'f2', residentId: 'r3', actorId: 'care2' }));
  });

  it('admins and managers of the facility only: caregiver 403, another facility 404', async () => {
    for (const u of ['care1', 'medical1', 'res1user']) {
      const res = await api(h.base, 'GET', '/api/audit', { token: as(u) });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const other = await api(h.base, 'GET', '/api/audit?facilityId=f1', { token: as('manager2') });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
    expect((await api(h.base, 'GET', '/api/audit?facilityId=f1', { token: as('manager1') })).status).toBe(200);
    expect((await api(h.base, 'GET', '/api/audit')).status).toBe(401);
  });

  it('newest first, each a valid AuditEntry; a manager sees own facilities, an admin every one', async () => {
    const mine = await api(h.base, 'GET', '/api/audit', { token: as('manager1') });
    expect(mine.status).toBe(200);
    const entries = mine.body.map((e: unknown) => AuditEntry.parse(e)) as AuditEntry[];
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.every((e) => e.facilityId === 'f1')).toBe(true);
    const times = entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(entries.slice(-5).map((e) => e.id)).toEqual(['au_old0', 'au_old1', 'au_old2', 'au_old3', 'au_old4']);

    const all = (await api(h.base, 'GET', '/api/audit', { token: as('admin') })).body as AuditEntry[];
    expect(new Set(all.map((e) => e.facilityId))).toEqual(new Set(['f1', 'f2']));
    const f2 = (await api(h.base, 'GET', '/api/audit?facilityId=f2', { token: as('manager2') })).body as AuditEntry[];
    expect(f2.map((e) => e.residentId).every((r) => r === 'r3')).toBe(true);
    expect(f2.map((e) => e.id)).toContain('au_old9');
  });

  it('filters by resident and time (inclusive, epoch ms or ISO-8601), and bounds the answer', async () => {
    const get = async (query: string, token = as('manager1')) =>
      (await api(h.base, 'GET', `/api/audit?${query}`, { token })).body as AuditEntry[];
    const r2 = await get('facilityId=f1&residentId=r2');
    expect(r2.length).toBeGreaterThan(1);
    expect(r2.every((e) => e.residentId === 'r2')).toBe(true);
    expect(r2.at(-1)?.id).toBe('au_old2');

    const at = (i: number) => Date.parse(old(i).at);
    expect((await get(`from=${at(3)}&to=${at(1)}`)).map((e) => e.id)).toEqual(['au_old1', 'au_old2', 'au_old3']);
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    expect((await get(`from=${iso(at(3))}&to=${iso(at(1))}&residentId=r1`)).map((e) => e.id)).toEqual([
      'au_old1',
      'au_old3',
    ]);
    // The newest `limit`; an older page is `to` = the oldest `at` received.
    const page = await get(`to=${at(0)}&limit=2`);
    expect(page.map((e) => e.id)).toEqual(['au_old0', 'au_old1']);
    expect((await get(`to=${Date.parse(page[1]!.at)}&limit=2`)).map((e) => e.id)).toEqual(['au_old1', 'au_old2']);
    expect(await get('limit=1')).toHaveLength(1);
    // A manager asking about another facility's resident gets nothing of it.
    expect(await get('residentId=r3')).toEqual([]);

    for (const bad of ['limit=0', 'limit=5001', 'limit=x', `from=${at(0)}&to=${at(1)}`, 'from=yesterday']) {
      const res = await api(h.base, 'GET', `/api/audit?${bad}`, { token: as('manager1') });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
  });

  it('defaults to 500 entries and allows up to 5000', async () => {
    for (let i = 0; i < 600; i++) {
      await h.stores.audit.append(old(100 + i, { id: `au_bulk${i}`, facilityId: 'f2', residentId: 'r3' }));
    }
    const get = async (query: string) =>
      (await api(h.base, 'GET', `/api/audit?facilityId=f2&${query}`, { token: as('manager2') })).body as AuditEntry[];
    expect(await get('')).toHaveLength(500);
    expect((await get('limit=5000')).length).toBeGreaterThan(600);
  });
});

describe('a failing or slow audit store', () => {
  /** A harness whose gateway writes the audit log to `audit`, logging errors into `lines`. */
  /** The parts these tests replace; an append may answer nothing (the recorder ignores it). */
  type FakeAudit = Pick<AuditStore, 'list'> & { append(entry: AuditEntry): Promise<unknown> };

  async function harnessWith(fake: FakeAudit, maxPending?: number) {
    const stores = createMemoryStores();
    const audit: AuditStore = {
      list: fake.list,
      append: async (entry) => {
        await fake.append(entry);
        return entry;
      },
      verify: (facilityId) => stores.audit.verify(facilityId),
      facilities: () => stores.audit.facilities(),
    };
    await seed(stores);
    const lines: Json[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const harness = await startHarness({
      deps: {
        stores: { ...stores, audit },
        logger: pino({ level: 'error' }, sink),
        ...(maxPending !== undefined && { auditOptions: { maxPending } }),
      },
    });
    return { harness, lines, token: await login(harness.base, 'care1') };
  }

  it('never fails the request: the entry is logged instead, and counted', async () => {
    const { harness, lines, token } = await harnessWith({
      append: () => Promise.reject(new Error('audit store down')),
      list: async () => [],
    });
    try {
      expect((await api(harness.base, 'GET', '/api/residents/r1/vitals', { token })).status).toBe(200);
      const logged = await vi.waitFor(() => {
        const line = lines.find((l) => l.msg?.startsWith('audit entry not stored'));
        if (!line) throw new Error('not logged yet');
        return line;
      });
      expect(logged.audit).toMatchObject({ actorId: 'care1', action: 'vitals.read', residentId: 'r1' });
      expect(logged.err.message).toBe('audit store down');
      const metrics = await api(harness.base, 'GET', '/metrics');
      expect(metrics.body).toContain('vigil_audit_entries_total{result="failed"} 1');
    } finally {
      await harness.close();
    }
  });

  it('never waits for it: the answer comes first, the entry is stored by the time the gateway has closed', async () => {
    const stored: AuditEntry[] = [];
    const { harness, token } = await harnessWith({
      append: (e) =>
        new Promise((resolve) =>
          setTimeout(() => {
            stored.push(e);
            resolve(e);
          }, 400),
        ),
      list: async () => stored,
    });
    const started = performance.now();
    expect((await api(harness.base, 'GET', '/api/residents/r1/report', { token })).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(300);
    expect(stored).toEqual([]);
    await harness.close();
    expect(stored).toMatchObject([{ actorId: 'care1', action: 'report.read', outcome: 'allowed' }]);
  });

  it('a store that falls behind: beyond the backlog limit entries go to the log, not lost', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const stored: AuditEntry[] = [];
    const { harness, lines, token } = await harnessWith(
      {
        append: async (e) => {
          await gate;
          stored.push(e);
        },
        list: async () => stored,
      },
      2,
    );
    try {
      for (const path of ['/api/residents/r1/vitals', '/api/residents/r1/report', '/api/residents/r1']) {
        expect((await api(harness.base, 'GET', path, { token })).status).toBe(200);
      }
      const logged = lines.filter((l) => l.msg?.startsWith('audit entry not stored'));
      expect(logged.map((l) => l.audit.action)).toEqual(['resident.read']);
      release();
    } finally {
      await harness.close();
    }
    expect(stored.map((e) => e.action)).toEqual(['vitals.read', 'report.read']);
  });
});
