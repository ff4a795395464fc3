import type { Alert, SlaWarning, Task } from '@vigil/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_DEFAULT_LIMIT } from '../src/paging.ts';
import { VITALS_MAX_POINTS } from '../src/routes/vitals-view.ts';
import { type Harness, type Json, login, startHarness } from './fixtures.ts';

/**
 * Paged lists (issue 12 "bounded state"; docs/api.md "Paging") through the real gateway: the body is
 * the same array as before, the next page's cursor in `Link` and `X-Next-Cursor`, keyset pages that
 * inserts between requests never shift, and hostile paging parameters answered 400.
 */
let h: Harness;
const tokens: Record<string, string> = {};
const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

interface Got {
  status: number;
  body: Json;
  next: string | null;
  link: string | null;
}

async function get(path: string, user: string): Promise<Got> {
  const res = await fetch(h.base + path, { headers: { authorization: `Bearer ${tokens[user]}` } });
  return {
    status: res.status,
    body: await res.json(),
    next: res.headers.get('x-next-cursor'),
    link: res.headers.get('link'),
  };
}

/** Follows `Link: <…>; rel="next"` from `path` to the end, as a client would; the ids of each page. */
async function walk(path: string, user: string): Promise<string[][]> {
  const pages: string[][] = [];
  let url: string | undefined = path;
  for (let guard = 0; url !== undefined && guard < 50; guard++) {
    const got = await get(url, user);
    expect(got.status).toBe(200);
    pages.push((got.body as { id: string }[]).map((x) => x.id));
    const link = got.link === null ? undefined : /^<([^>]+)>; rel="next"$/.exec(got.link)?.[1];
    expect(link === undefined).toBe(got.next === null);
    if (link !== undefined) expect(new URL(link, h.base).searchParams.get('cursor')).toBe(got.next);
    url = link;
  }
  return pages;
}

const alert = (id: string, over: Partial<Alert> = {}): Alert => ({
  id,
  facilityId: 'f1',
  residentId: 'r1',
  zoneId: 'z1',
  kind: 'sos',
  priority: 'high',
  state: 'active',
  title: 'SOS',
  explanation: { rule: 'sos', inputs: {}, condition: 'button pressed' },
  raisedAt: iso(0),
  lastSeenAt: iso(0),
  occurrences: 1,
  escalationLevel: 0,
  ...over,
});

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['admin', 'manager1', 'care1', 'care1z2']) tokens[u] = await login(h.base, u);
  // f1: zone z1 and z2 alerts of every priority; f2: one the f1 staff must never see.
  for (let i = 0; i < 6; i++) {
    await h.stores.alerts.put(
      alert(`a-z1-${i}`, { priority: i % 2 ? 'medium' : 'high', raisedAt: iso(i * 10), kind: 'news2' }),
    );
    await h.stores.alerts.put(
      alert(`a-z2-${i}`, {
        zoneId: 'z2',
        residentId: 'r2',
        priority: i % 3 ? 'low' : 'high',
        raisedAt: iso(i * 10 + 5),
      }),
    );
  }
  await h.stores.alerts.put(alert('a-f2', { facilityId: 'f2', residentId: 'r3' }));
});
afterAll(() => h.close());

describe('GET /api/alerts', () => {
  it('pages follow the board order, the cursor in Link and X-Next-Cursor, the body an array as before', async () => {
    const whole = await get('/api/alerts', 'care1');
    expect(whole.next).toBeNull();
    expect(whole.link).toBeNull();
    const ids = (whole.body as Alert[]).map((a) => a.id);
    expect(ids).toHaveLength(12);
    expect(ids).not.toContain('a-f2');
    const ranks = { high: 0, medium: 1, low: 2 };
    const order = (whole.body as Alert[]).map((a) => [ranks[a.priority], -Date.parse(a.raisedAt)]);
    expect(order).toEqual(
      [...order].sort((x, y) => (x[0] as number) - (y[0] as number) || (x[1] as number) - (y[1] as number)),
    );

    const pages = await walk('/api/alerts?limit=5', 'care1');
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(ids);
  });

  it('a caregiver limited to zone z2 gets full pages of what they may see only', async () => {
    const pages = await walk('/api/alerts?limit=4&state=open', 'care1z2');
    expect(pages.map((p) => p.length)).toEqual([4, 2]);
    expect(pages.flat().every((id) => id.startsWith('a-z2-'))).toBe(true);
  });

  it('an alert raised between two requests never repeats or skips one on the next page', async () => {
    const first = await get('/api/alerts?limit=3&facilityId=f1', 'manager1');
    expect(first.next).not.toBeNull();
    // Newest of all (sorts before the cursor) and oldest of all (after it).
    await h.stores.alerts.put(alert('a-new', { raisedAt: iso(1000), kind: 'fall' }));
    await h.stores.alerts.put(alert('a-old', { priority: 'low', raisedAt: iso(-1000), kind: 'fall', zoneId: 'z2' }));
    const rest = await walk(`/api/alerts?limit=3&facilityId=f1&cursor=${first.next}`, 'manager1');
    const seen = [...(first.body as Alert[]).map((a) => a.id), ...rest.flat()];
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain('a-new');
    expect(seen.at(-1)).toBe('a-old');
    expect(seen).toHaveLength(13);
    await h.stores.alerts.put(
      alert('a-new', { raisedAt: iso(1000), kind: 'fall', state: 'resolved', resolvedAt: iso(1001) }),
    );
  });

  it('from/to bound raisedAt', async () => {
    const got = await get(`/api/alerts?from=${T0 + 20_000}&to=${iso(30)}&residentId=r1`, 'care1');
    expect((got.body as Alert[]).map((a) => a.id).sort()).toEqual(['a-z1-2', 'a-z1-3']);
  });
});

describe('hostile paging parameters: 400 invalid_input', () => {
  const cursorOf = (list: string) => Buffer.from(JSON.stringify([list, 1, 'x'])).toString('base64url');
  const otherListCursor = cursorOf('tasks');
  for (const [what, query] of [
    ['a negative limit', 'limit=-1'],
    ['a zero limit', 'limit=0'],
    ['a limit above the maximum', 'limit=1001'],
    ['a limit that is not a number', 'limit=ten'],
    ['a cursor that is not one', 'cursor=%%%garbage'],
    ['a cursor of another list', `cursor=${otherListCursor}`],
    ['a cursor with a bad key', `cursor=${Buffer.from('["alerts","x","a"]').toString('base64url')}`],
    ['from after to', `from=${T0 + 1}&to=${T0}`],
    ['a from that is no time', 'from=yesterday'],
  ] as const) {
    it(`${what}`, async () => {
      const got = await get(`/api/alerts?${query}`, 'care1');
      expect(got.status).toBe(400);
      expect(got.body).toMatchObject({ error: { code: 'invalid_input', message: expect.any(String) } });
    });
  }

  it('every paged list refuses them alike', async () => {
    for (const path of ['tasks', 'users', 'sla/warnings', 'audit', 'devices', 'residents', 'facilities']) {
      const got = await get(`/api/${path}?limit=-1`, 'manager1');
      expect([path, got.status, got.body?.error?.code]).toEqual([path, 400, 'invalid_input']);
      const bad = await get(`/api/${path}?cursor=${cursorOf('no-such-list')}`, 'manager1');
      expect([path, bad.status]).toEqual([path, 400]);
    }
  });
});

describe('the other lists', () => {
  it('tasks: oldest first, paged, from/to on createdAt', async () => {
    for (let i = 0; i < 5; i++) {
      const t: Task = {
        id: `t${i}`,
        facilityId: 'f1',
        kind: 'onsite_check',
        role: 'caregiver',
        priority: 'high',
        state: 'open',
        zoneId: 'z1',
        createdAt: iso(100 - i),
        acceptBy: iso(200),
        completeBy: iso(900),
        escalationLevel: 0,
      };
      await h.stores.tasks.put(t);
    }
    expect(await walk('/api/tasks?limit=2', 'care1')).toEqual([['t4', 't3'], ['t2', 't1'], ['t0']]);
    const bounded = await get(`/api/tasks?from=${iso(97)}&to=${iso(99)}`, 'manager1');
    expect((bounded.body as Task[]).map((t) => t.id)).toEqual(['t3', 't2', 't1']);
  });

  it('SLA warnings: oldest first, paged within from/to', async () => {
    for (let i = 0; i < 5; i++) {
      const w: SlaWarning = {
        id: `w${i}`,
        facilityId: 'f1',
        kind: 'accept_overdue',
        limitMs: 1,
        detail: 'd',
        raisedAt: iso(i),
      };
      await h.stores.slaWarnings.put(w);
    }
    expect(await walk(`/api/sla/warnings?limit=2&from=${iso(1)}`, 'manager1')).toEqual([
      ['w1', 'w2'],
      ['w3', 'w4'],
    ]);
  });

  it('users, residents, devices and facilities: in id order, paged', async () => {
    const users = (await walk('/api/users?limit=3', 'admin')).flat();
    expect(users).toEqual([...users].sort());
    expect(users).toContain('care1z2');
    expect((await walk('/api/residents?limit=1', 'manager1')).flat()).toEqual(['r1', 'r2']);
    expect((await walk('/api/facilities?limit=1', 'admin')).flat()).toEqual(['f1', 'f2']);
    const devices = await get('/api/devices', 'manager1');
    expect(devices.status).toBe(200);
    expect(Array.isArray(devices.body)).toBe(true);
  });

  it('audit: newest first, the cursor continues where the page ended, even within one millisecond', async () => {
    const at = new Date(T0).toISOString();
    for (let i = 0; i < 5; i++) {
      await h.stores.audit.append({
        id: `au${i}`,
        at,
        facilityId: 'f2',
        residentId: 'r3',
        actorId: 'u',
        actorRole: 'admin',
        action: 'vitals.read',
        purpose: 'care',
        outcome: 'allowed',
      });
    }
    await h.stores.audit.append({
      id: 'au-older',
      at: new Date(T0 - 1).toISOString(),
      facilityId: 'f2',
      residentId: 'r3',
      actorId: 'u',
      actorRole: 'admin',
      action: 'vitals.read',
      purpose: 'care',
      outcome: 'allowed',
    });
    const pages = await walk('/api/audit?facilityId=f2&limit=2', 'admin');
    expect(pages).toEqual([
      ['au4', 'au3'],
      ['au2', 'au1'],
      ['au0', 'au-older'],
    ]);
  });

  it('the default page is large enough for a facility list to come whole', () => {
    expect(PAGE_DEFAULT_LIMIT).toBe(200);
  });
});

describe('vitals history answers are bounded', () => {
  it(`more raw points than ${VITALS_MAX_POINTS} in the range come back stepped`, async () => {
    const now = Date.now();
    for (let i = 0; i < VITALS_MAX_POINTS + 500; i++) {
      await h.stores.vitals.append('r1', { ts: now - 3_000_000 + i * 250, hr: 60 + (i % 30) });
    }
    const got = await get('/api/residents/r1/vitals', 'care1');
    expect(got.status).toBe(200);
    expect(got.body.points.length).toBeGreaterThan(0);
    expect(got.body.points.length).toBeLessThanOrEqual(VITALS_MAX_POINTS);
  });
});
