import type { ReportUpdatedData } from '@vigil/contracts';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGGED_EVENTS } from '../src/realtime/types.ts';
import {
  alertInView,
  alertShowsHealth,
  type Case,
  CONSENTS,
  type ConsentState,
  consentCovers,
  type Expect,
  facilityOf,
  gate,
  locationProblem,
  MATRIX_ROLES,
  PLACES,
  residentInView,
  taskFor,
  taskInView,
  taskShowsHealth,
  vitalsCovers,
  World,
} from './access-matrix.fixture.ts';
import { PUBLIC_ROUTES, ROWS, VARIANT_ROWS } from './access-matrix.rows.ts';
import { api, connect, type Harness, type Json, recordingSocket, startHarness } from './fixtures.ts';

/**
 * Issue 13 "action scope = read scope, enforced in one place": every REST route the gateway registers
 * (its own route table) and every Socket.IO event, for every role × place (in the zoned caregiver's
 * zone, another zone, another facility) × the resident's consent on or off, against what contract
 * §4.2 and §4.3 say. A route or event without a row fails here before anything else.
 */
let h: Harness;
let w: World;

beforeAll(async () => {
  // The refresh and logout rows sign each case's user in again: successful logins are never limited.
  h = await startHarness();
  w = new World(h);
  await w.build();
}, 60_000);
afterAll(() => h.close());

const cases = function* (): Generator<Case> {
  for (const role of MATRIX_ROLES)
    for (const place of PLACES) for (const consent of CONSENTS) yield w.caseOf(role, place, consent);
};
const label = (c: Case) => `${c.role} × ${c.place} × consent ${c.consent}`;

/** What the answer came to, in the terms of `Expect`. */
function outcome(status: number, body: Json, row: (typeof ROWS)[string], c: Case): Expect | string {
  if (status === 404) return 'hidden';
  if (status === 403) return 'forbidden';
  // 409: the access layer let it through and the object's state refused (a task not yet accepted).
  if (!(status < 300 || status === 409)) return `status ${status}: ${JSON.stringify(body).slice(0, 200)}`;
  const shown = row.find ? row.find(body, c) : body;
  if (row.find && !shown) return 'absent';
  if (row.alert && status < 300) {
    const problem = locationProblem(shown, c.consent);
    if (problem) return problem;
  }
  if (row.health && status < 300) return row.health(shown) ? 'shown' : 'withheld';
  return 'ok';
}

describe('the route table and the matrix agree', () => {
  it('every registered route has a row, and every row a route', () => {
    const registered = h.gateway.routes.map((r) => `${r.method} ${r.url}`);
    const missing = registered.filter((r) => !(r in ROWS) && !(r in PUBLIC_ROUTES));
    expect(missing, 'routes without a row in test/access-matrix.rows.ts').toEqual([]);
    const gone = [...Object.keys(ROWS), ...Object.keys(PUBLIC_ROUTES)].filter((r) => !registered.includes(r));
    const variantless = Object.keys(VARIANT_ROWS).filter((r) => !((r.split(' · ')[0] ?? '') in ROWS));
    expect(gone, 'rows whose route is no longer registered').toEqual([]);
    expect(variantless, 'variant rows of a route without a row').toEqual([]);
  });

  it('every Socket.IO event the server handles or sends has a row', async () => {
    const socket = await connect(h.base, { token: w.caseOf('admin', 'inZone', 'on').token });
    try {
      const server = h.gateway.io.of('/').sockets.get(socket.id ?? '');
      // Socket.IO's own listeners (`error` closes a socket on a bad packet) are not client events.
      const RESERVED = new Set(['error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
      const handled = (server?.eventNames() ?? [])
        .map(String)
        .filter((e) => !RESERVED.has(e))
        .sort();
      expect(handled).toEqual(Object.keys(CLIENT_EVENT_ROWS).sort());
      expect(Object.keys(LOGGED_EVENTS).sort()).toEqual(Object.keys(SERVER_EVENT_ROWS).sort());
    } finally {
      socket.close();
    }
  });
});

describe('REST: every route × role × place × consent (contract §4.2, §4.3)', () => {
  it('answers publicly what is public, and 401 to anyone else without a token', async () => {
    for (const [route, req] of Object.entries(PUBLIC_ROUTES)) {
      const res = await api(h.base, route.split(' ')[0] ?? 'GET', req.path, { body: req.body });
      expect(res.status, route).toBe(200);
    }
    for (const [route, row] of [...Object.entries(ROWS), ...Object.entries(VARIANT_ROWS)]) {
      const { path, body } = await row.call(w.caseOf('admin', 'inZone', 'on'));
      const res = await api(h.base, route.split(' ')[0] ?? 'GET', path, { body });
      expect(res.status, route).toBe(401);
    }
  });

  for (const [route, row] of [...Object.entries(ROWS), ...Object.entries(VARIANT_ROWS)]) {
    it(route, async () => {
      const method = route.split(' ')[0] ?? 'GET';
      const wrong: string[] = [];
      for (const c of cases()) {
        const { path, body, token } = await row.call(c);
        const res = await api(h.base, method, path, { token: token ?? c.token, body });
        const got = outcome(res.status, res.body, row, c);
        const want = row.expected(c);
        if (got !== want) wrong.push(`${label(c)}: expected ${want}, got ${got}`);
      }
      expect(wrong).toEqual([]);
    });
  }
});

/** Client → server events: what each case sends, and whether it was let through. */
const CLIENT_EVENT_ROWS: Record<string, (c: Case) => Expect> = {
  // Live vitals: as the vitals route (consent and zones); another facility is not_found.
  'subscribe:vitals': (c) => gate(c, { view: residentInView, requires: vitalsCovers }),
  // A receipt counts only for an alert the user may see; otherwise it is ignored.
  receipt: (c) => gate(c, { view: alertInView }),
};

/** Server → client events: whether each case's socket receives it, and with health content or not. */
const SERVER_EVENT_ROWS: Record<string, (c: Case) => Expect> = {
  alert: (c) => gate(c, { view: alertInView, redacts: consentCovers }),
  task: (c) => gate(c, { view: taskInView, redacts: consentCovers }),
  device: (c) => gate(c, { view: residentInView }),
  sla: (c) => gate(c, { roles: ['admin', 'manager'] }),
  // A risk change goes to the facility's medical team only, whole, under consent and zones (§4.4).
  report: (c) => gate(c, { roles: ['medical'], requires: vitalsCovers }),
};

describe('Socket.IO: every event × role × place × consent (contract §2, §4.2)', () => {
  it('subscribe:vitals', async () => {
    const wrong: string[] = [];
    for (const c of cases()) {
      const socket = await connect(h.base, { token: c.token });
      try {
        const ack = await socket
          .timeout(3000)
          .emitWithAck('subscribe:vitals', { residentIds: [c.w.fixed(c.place, c.consent).resident] });
        const got = ack.ok ? 'ok' : ack.error?.code === 'not_found' ? 'hidden' : ack.error?.code;
        const want = CLIENT_EVENT_ROWS['subscribe:vitals']?.(c);
        if (got !== want) wrong.push(`${label(c)}: expected ${want}, got ${got}`);
      } finally {
        socket.close();
      }
    }
    expect(wrong).toEqual([]);
  });

  it('receipt', async () => {
    const sent: { c: Case; alertId: string }[] = [];
    const sockets: Socket[] = [];
    try {
      for (const c of cases()) {
        const socket = await connect(h.base, { token: c.token });
        sockets.push(socket);
        const alertId = await c.w.alert(c.place, c.consent);
        socket.emit('receipt', { alertId });
        sent.push({ c, alertId });
      }
      const counted = (s: (typeof sent)[number]) => (h.gateway.receipts.get(s.alertId)?.length ?? 0) > 0;
      const want = (s: (typeof sent)[number]) => CLIENT_EVENT_ROWS.receipt?.(s.c) === 'ok';
      await expect.poll(() => sent.filter((s) => want(s) && !counted(s)).length, { timeout: 5000 }).toBe(0);
      // Those to be ignored had the same time, in order on their own sockets, to arrive.
      await new Promise((r) => setTimeout(r, 200));
      expect(sent.filter((s) => !want(s) && counted(s)).map((s) => label(s.c))).toEqual([]);
    } finally {
      for (const s of sockets) s.close();
    }
  });

  for (const consent of CONSENTS) {
    it(`alert, task, device, sla and report events, consent ${consent}`, async () => {
      const boards = await openBoards(consent);
      try {
        const sent = await appendEvents(consent);
        const wrong: string[] = [];
        for (const { c, events } of boards) {
          for (const { event, id } of sent) {
            if (c.place !== placeOf(id)) continue;
            // Each case's task is the one of its role (taskFor); the other kind is out of its view.
            if (event === 'task' && id !== taskFor(c)) {
              const other = received(events, event, id, consent) !== 'not received';
              if (other && c.is !== 'admin' && c.is !== 'manager') wrong.push(`task ${id} ${label(c)}: not its role's`);
              continue;
            }
            const got = received(events, event, id, consent);
            // Not sent is not sent, whether the reason is the facility or the view.
            const rule = SERVER_EVENT_ROWS[event]?.(c);
            const want = rule === 'hidden' || rule === 'forbidden' ? 'not received' : rule;
            if (got !== want) wrong.push(`${event} ${label(c)}: expected ${want}, got ${got}`);
          }
        }
        expect(wrong).toEqual([]);
      } finally {
        for (const b of boards) b.socket.close();
      }
    });
  }
});

type Recorded = { event: string; envelope: Json }[];

/** One socket per role, each case seeing the events of its own place. */
async function openBoards(consent: ConsentState) {
  const boards: { c: Case; socket: Socket; events: Recorded }[] = [];
  for (const role of MATRIX_ROLES) {
    const r = recordingSocket(h.base, { token: w.caseOf(role, 'inZone', consent).token });
    await r.waitFor((e) => e.event === 'sync');
    for (const place of PLACES) boards.push({ c: w.caseOf(role, place, consent), socket: r.socket, events: r.events });
  }
  return boards;
}

const placeOf = (id: string) => PLACES.find((p) => id.includes(`-${p}-`));

/** Appends one event of each kind per place (ids name the place), then waits until all are out. */
async function appendEvents(consent: ConsentState) {
  const sent: { event: string; id: string }[] = [];
  const at = new Date().toISOString();
  for (const place of PLACES) {
    const fixed = w.fixed(place, consent);
    const facilityId = facilityOf(place);
    const alert = await h.stores.alerts.get(fixed.alert);
    const task = await h.stores.tasks.get(fixed.task);
    const consult = await h.stores.tasks.get(fixed.consult);
    if (!alert || !task || !consult) throw new Error('matrix world incomplete');
    const e = h.stores.events;
    await e.append({ event: 'alert', type: 'alert.updated', facilityId, data: alert });
    await e.append({ event: 'task', type: 'task.created', facilityId, data: task });
    await e.append({ event: 'task', type: 'task.created', facilityId, data: consult });
    const data = { deviceId: fixed.device, residentId: fixed.resident, state: 'online', lastSeenAt: at } as const;
    await e.append({ event: 'device', type: 'device.updated', facilityId, data });
    const warning = {
      id: `sla-${place}-${consent}-${Date.now()}`,
      facilityId,
      kind: 'alert_unacknowledged',
      limitMs: 1,
      detail: 'x',
      raisedAt: at,
    };
    const report: ReportUpdatedData = {
      residentId: fixed.resident,
      risk: 'medium',
      previousRisk: 'low',
      news2: { score: 5, risk: 'medium', partial: false, missing: [], subscores: { hr: 2, rr: 2, temp: 1 }, at },
      summary: { direction: 'rose', drivers: ['hr', 'rr', 'temp'], partial: false },
      at,
    };
    await e.append({ event: 'report', type: 'report.updated', facilityId, data: report });
    await e.append({ event: 'sla', type: 'sla.warning', facilityId, data: warning as Json });
    sent.push(
      { event: 'alert', id: alert.id },
      { event: 'task', id: task.id },
      { event: 'task', id: consult.id },
      { event: 'device', id: fixed.device },
      { event: 'report', id: fixed.resident },
      { event: 'sla', id: warning.id },
    );
  }
  // Delivery is in log order to every socket at once: the admin having the last event means all are out.
  const admin = recordingSocket(h.base, { token: w.caseOf('admin', 'inZone', consent).token, lastEventId: '0-0' });
  try {
    const last = sent.at(-1)?.id;
    await admin.waitFor((e) => e.event === 'sla' && e.envelope.data.id === last, 5000);
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    admin.socket.close();
  }
  return sent;
}

function received(events: Recorded, event: string, id: string, consent: ConsentState): Expect | 'not received' {
  const hit = events.find(
    (e) => e.event === event && (e.envelope.data.id ?? e.envelope.data.deviceId ?? e.envelope.data.residentId) === id,
  );
  if (!hit) return 'not received';
  if (event === 'alert') {
    const problem = locationProblem(hit.envelope.data, consent);
    if (problem) return problem as Expect;
    return alertShowsHealth(hit.envelope.data) ? 'shown' : 'withheld';
  }
  if (event === 'task') return taskShowsHealth(hit.envelope.data) ? 'shown' : 'withheld';
  return 'ok';
}
