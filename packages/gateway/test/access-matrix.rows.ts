import type { Role } from '@vigil/contracts';
import { exportBundle } from '@vigil/fhir';
import {
  alertInView,
  alertShowsHealth,
  type Case,
  consentCovers,
  type Expect,
  facilityAlertInView,
  facilityOf,
  gate,
  listGate,
  residentInView,
  residentShowsHealth,
  taskFor,
  taskInView,
  taskKindFor,
  taskShowsHealth,
  userIdOf,
  vitalsCovers,
} from './access-matrix.fixture.ts';
import { type Json, login, PASSWORD } from './fixtures.ts';

/**
 * One row per REST route the gateway registers (its route table, `gateway.routes`): how to call it
 * for a case, and what contract §4.2/§4.3 say must come of it. The test fails for a registered route
 * without a row here, and for a row whose route is gone.
 */
export interface Row {
  /** `token`: a token of the case's user of its own, for routes that use theirs up (refresh, logout). */
  call(c: Case): Promise<{ path: string; body?: unknown; token?: string }>;
  expected(c: Case): Expect;
  /** Lists: the case's object in the answer, if it is there. */
  find?(body: Json, c: Case): Json | undefined;
  /** Whether the answer (or the object found in a list) carries health content. */
  health?(obj: Json): boolean;
  /** The answer is an alert (or a list of them): its location must follow the location consent. */
  alert?: true;
}

/** Routes without authentication (probes, login): answered for anyone. */
export const PUBLIC_ROUTES: Record<string, { path: string; body?: unknown }> = {
  'GET /healthz': { path: '/healthz' },
  'GET /readyz': { path: '/readyz' },
  'GET /metrics': { path: '/metrics' },
  'POST /api/auth/login': { path: '/api/auth/login', body: { username: 'care1', password: PASSWORD } },
};

const STAFF: Role[] = ['admin', 'manager', 'caregiver', 'medical'];
const ADMINS: Role[] = ['admin', 'manager'];
/** Who acknowledges and resolves alerts in view; maintenance sees facility alerts only (issue 14). */
const RESPONDERS: Role[] = ['caregiver', 'medical', 'manager', 'maintenance'];
/** Who takes the case's task (TaskService TAKES, within the routes' TASK_ACTORS): medical staff theirs. */
const TASK_TAKERS: Role[] = ['caregiver', 'manager', 'medical'];
const TASK_VIEWERS: Role[] = ['admin', 'manager', 'caregiver', 'medical', 'maintenance'];

const fixed = (c: Case) => c.w.fixed(c.place, c.consent);
const byId = (id: string) => (body: Json) => (Array.isArray(body) ? body.find((x: Json) => x.id === id) : undefined);
let unique = 0;
const fresh = (prefix: string) => `${prefix}${++unique}`;

function taskAction(action: string): Row {
  return {
    call: async (c) => ({
      path: `/api/tasks/${await c.w.task(c.place, c.consent, undefined, taskKindFor(c))}/${action}`,
    }),
    expected: (c) => gate(c, { view: taskInView, roles: TASK_TAKERS }),
  };
}

/** A session of its own for the case's user: refresh and logout revoke the token they are called with. */
const ownSession = async (c: Case) => login(c.w.h.base, userIdOf(c.role, c.consent));

export const ROWS: Record<string, Row> = {
  // Every signed-in user keeps or ends their own session, wherever the case's object is (contract §4.1).
  'POST /api/auth/refresh': {
    call: async (c) => ({ path: '/api/auth/refresh', token: await ownSession(c) }),
    expected: (c) => gate(c, { placeless: true }),
  },
  'POST /api/auth/logout': {
    call: async (c) => ({ path: '/api/auth/logout', token: await ownSession(c) }),
    expected: (c) => gate(c, { placeless: true }),
  },
  'POST /api/facilities': {
    call: async () => ({ path: '/api/facilities', body: { id: fresh('mxf'), name: 'New', zones: [] } }),
    expected: (c) => gate(c, { placeless: true, roles: ['admin'] }),
  },
  'GET /api/facilities': {
    call: async () => ({ path: '/api/facilities?limit=1000' }),
    expected: (c) => listGate(c, {}),
    find: (body, c) => byId(facilityOf(c.place))(body),
  },
  'GET /api/facilities/:id': {
    call: async (c) => ({ path: `/api/facilities/${facilityOf(c.place)}` }),
    expected: (c) => gate(c, {}),
  },
  'GET /api/facilities/:id/rules': {
    call: async (c) => ({ path: `/api/facilities/${facilityOf(c.place)}/rules` }),
    expected: (c) => gate(c, { roles: STAFF }),
  },
  'PUT /api/facilities/:id/rules': {
    call: async (c) => ({ path: `/api/facilities/${facilityOf(c.place)}/rules`, body: {} }),
    expected: (c) => gate(c, { roles: ADMINS }),
  },
  'GET /api/facilities/:id/policy': {
    call: async (c) => ({ path: `/api/facilities/${facilityOf(c.place)}/policy` }),
    expected: (c) => gate(c, { roles: ADMINS }),
  },
  'PUT /api/facilities/:id/policy': {
    call: async (c) => ({ path: `/api/facilities/${facilityOf(c.place)}/policy`, body: {} }),
    expected: (c) => gate(c, { roles: ADMINS }),
  },
  'GET /api/facilities/:id/policy/history': {
    call: async (c) => ({ path: `/api/facilities/${facilityOf(c.place)}/policy/history` }),
    expected: (c) => gate(c, { roles: ADMINS }),
  },

  'POST /api/users': {
    call: async (c) => {
      const username = fresh('mx-user');
      const body = { username, password: PASSWORD, name: 'N', role: 'maintenance', facilityIds: [facilityOf(c.place)] };
      return { path: '/api/users', body };
    },
    expected: (c) => gate(c, { roles: ADMINS }),
  },
  'POST /api/users/:id/approve': {
    call: async (c) => ({ path: `/api/users/${await c.w.pendingUser(c.place)}/approve` }),
    expected: (c) => gate(c, { roles: ['admin'] }),
  },
  'GET /api/users': {
    call: async () => ({ path: '/api/users?limit=1000' }),
    expected: (c) => listGate(c, { roles: ADMINS }),
    find: (body, c) => byId(`mx-duty-${c.place}`)(body),
  },
  'PATCH /api/users/:id': {
    call: async (c) => ({ path: `/api/users/mx-duty-${c.place}`, body: { name: 'Duty' } }),
    expected: (c) => gate(c, { roles: ADMINS }),
  },
  'PUT /api/users/:id/duty': {
    call: async (c) => ({ path: `/api/users/mx-duty-${c.place}/duty`, body: { onDuty: false } }),
    expected: (c) => gate(c, { roles: ADMINS }),
  },

  'POST /api/residents': {
    call: async (c) => ({
      path: '/api/residents',
      body: { id: fresh('mx-new-r'), facilityId: facilityOf(c.place), name: 'N', zoneId: 'z1', roomId: '1' },
    }),
    expected: (c) => gate(c, { roles: ADMINS }),
  },
  'POST /api/residents/import': {
    // A resident from another deployment: a FHIR export holding its Patient alone (issue 15).
    call: async (c) => {
      const id = fresh('mx-import-r');
      const now = Date.now();
      const bundle = exportBundle({
        resident: { id, carePlan: {} },
        devices: [],
        points: [],
        from: now - 60_000,
        to: now,
        stepMs: 60_000,
        now,
      });
      const consent = { caregiver: true, medical: true, manager: false, location: false };
      const body = { bundle, id, facilityId: facilityOf(c.place), name: 'N', zoneId: 'z1', roomId: '1', consent };
      return { path: '/api/residents/import', body };
    },
    expected: (c) => gate(c, { roles: ADMINS }),
  },
  'GET /api/residents': {
    call: async () => ({ path: '/api/residents?limit=1000' }),
    expected: (c) => listGate(c, { roles: STAFF, view: residentInView, redacts: vitalsCovers }),
    find: (body, c) => byId(fixed(c).resident)(body),
    health: residentShowsHealth,
  },
  'GET /api/residents/:id': {
    call: async (c) => ({ path: `/api/residents/${fixed(c).resident}` }),
    expected: (c) => gate(c, { view: residentInView, redacts: vitalsCovers }),
    health: residentShowsHealth,
  },
  'GET /api/residents/:id/vitals': {
    call: async (c) => ({ path: `/api/residents/${fixed(c).resident}/vitals` }),
    expected: (c) => gate(c, { view: residentInView, requires: vitalsCovers }),
  },
  'GET /api/residents/:id/report': {
    call: async (c) => ({ path: `/api/residents/${fixed(c).resident}/report` }),
    expected: (c) => gate(c, { view: residentInView, requires: vitalsCovers }),
  },
  'GET /api/residents/:id/fhir': {
    call: async (c) => ({ path: `/api/residents/${fixed(c).resident}/fhir` }),
    expected: (c) => gate(c, { view: residentInView, requires: vitalsCovers }),
  },
  'PUT /api/residents/:id/care-plan': {
    call: async (c) => ({ path: `/api/residents/${fixed(c).resident}/care-plan`, body: { onOxygen: true } }),
    // A clinical decision: managers and admins by role; medical staff under consent.
    expected: (c) =>
      gate(c, {
        view: residentInView,
        roles: ['admin', 'manager', 'medical'],
        requires: (x) => x.is !== 'medical' || consentCovers(x),
      }),
  },
  'PUT /api/residents/:id/consent': {
    // Asks for what is already there, so the case changes nothing for the next one.
    call: async (c) => ({ path: `/api/residents/${fixed(c).resident}/consent`, body: { manager: c.consent === 'on' } }),
    expected: (c) => gate(c, { view: residentInView, roles: ['resident', 'admin'] }),
  },

  'POST /api/residents/:id/transfer': {
    // A resident of its own per case, in the place's zone, moved to the other facility (issue 15).
    call: async (c) => {
      const id = fresh('mx-move-r');
      const facilityId = facilityOf(c.place);
      const on = c.consent === 'on';
      await c.w.h.stores.residents.put({
        id,
        facilityId,
        name: 'Moving',
        zoneId: 'z1',
        roomId: '1',
        carePlan: {},
        consent: { caregiver: on, medical: on, manager: on, location: on },
      });
      const toFacilityId = facilityId === 'f1' ? 'f2' : 'f1';
      return { path: `/api/residents/${id}/transfer`, body: { toFacilityId, devices: 'rebind', zoneId: 'z1' } };
    },
    // An admin, or a manager of both facilities: the matrix's manager serves f1 alone, so the other
    // facility (the destination, or the resident's own) is one it may not know of (contract §4.2).
    expected: (c) => (c.is === 'manager' ? 'hidden' : gate(c, { view: residentInView, roles: ['admin'] })),
  },

  'POST /api/devices': {
    call: async (c) => ({ path: '/api/devices', body: { facilityId: facilityOf(c.place), kind: 'sensor' } }),
    expected: (c) => gate(c, { roles: ADMINS }),
  },
  'GET /api/devices': {
    call: async () => ({ path: '/api/devices?limit=1000' }),
    expected: (c) => listGate(c, { roles: STAFF, view: residentInView }),
    find: (body, c) => byId(fixed(c).device)(body),
  },
  'GET /api/devices/:id': {
    call: async (c) => ({ path: `/api/devices/${fixed(c).device}` }),
    expected: (c) => gate(c, { view: residentInView, roles: STAFF }),
  },
  'DELETE /api/devices/:id': {
    call: async (c) => ({ path: `/api/devices/${await c.w.device(c.place, c.consent)}` }),
    expected: (c) => gate(c, { view: residentInView, roles: ADMINS }),
  },

  'GET /api/alerts': {
    alert: true,
    call: async (c) => ({ path: `/api/alerts?residentId=${fixed(c).resident}&limit=1000` }),
    expected: (c) => listGate(c, { view: alertInView, redacts: consentCovers }),
    find: (body, c) => byId(fixed(c).alert)(body),
    health: alertShowsHealth,
  },
  'GET /api/alerts/:id': {
    alert: true,
    call: async (c) => ({ path: `/api/alerts/${fixed(c).alert}` }),
    expected: (c) => gate(c, { view: alertInView, redacts: consentCovers }),
    health: alertShowsHealth,
  },
  'POST /api/alerts/:id/ack': {
    alert: true,
    call: async (c) => ({ path: `/api/alerts/${await c.w.alert(c.place, c.consent)}/ack` }),
    expected: (c) => gate(c, { view: alertInView, roles: RESPONDERS, redacts: consentCovers }),
    health: alertShowsHealth,
  },
  'POST /api/alerts/:id/resolve': {
    alert: true,
    call: async (c) => ({
      path: `/api/alerts/${await c.w.alert(c.place, c.consent)}/resolve`,
      body: { outcome: 'handled' },
    }),
    expected: (c) => gate(c, { view: alertInView, roles: RESPONDERS, redacts: consentCovers }),
    health: alertShowsHealth,
  },

  'GET /api/tasks': {
    call: async () => ({ path: '/api/tasks?limit=1000' }),
    expected: (c) => listGate(c, { roles: TASK_VIEWERS, view: taskInView, redacts: consentCovers }),
    find: (body, c) => byId(taskFor(c))(body),
    health: taskShowsHealth,
  },
  'GET /api/tasks/:id': {
    call: async (c) => ({ path: `/api/tasks/${taskFor(c)}` }),
    expected: (c) => gate(c, { view: taskInView, redacts: consentCovers }),
    health: taskShowsHealth,
  },
  'POST /api/tasks/:id/accept': taskAction('accept'),
  'POST /api/tasks/:id/start': taskAction('start'),
  'POST /api/tasks/:id/complete': taskAction('complete'),
  'POST /api/tasks/:id/decline': taskAction('decline'),

  'GET /api/sla/warnings': {
    call: async (c) => ({ path: `/api/sla/warnings?facilityId=${facilityOf(c.place)}` }),
    expected: (c) => listGate(c, { roles: ADMINS, byFacility: true }),
  },
  'GET /api/sla/report': {
    call: async (c) => ({ path: `/api/sla/report?facilityId=${facilityOf(c.place)}` }),
    expected: (c) => listGate(c, { roles: ADMINS, byFacility: true }),
  },
  'GET /api/alerts/stats': {
    call: async (c) => ({ path: `/api/alerts/stats?facilityId=${facilityOf(c.place)}` }),
    expected: (c) => listGate(c, { roles: ADMINS, byFacility: true }),
  },
  'GET /api/audit': {
    call: async (c) => ({ path: `/api/audit?facilityId=${facilityOf(c.place)}` }),
    expected: (c) => listGate(c, { roles: ADMINS, byFacility: true }),
  },
  'GET /api/audit/verify': {
    call: async (c) => ({ path: `/api/audit/verify?facilityId=${facilityOf(c.place)}` }),
    expected: (c) => listGate(c, { roles: ADMINS, byFacility: true }),
  },
};

/**
 * More rows for routes that already have one, each for an object or body the route's row does not
 * cover (keyed `<route> · <what>`; the test runs them like ROWS). Facility alerts (issue 14):
 * maintenance staff acknowledge and resolve them, as every responder who sees them. Completing with
 * an outcome resolves the task's alert: it must not reach further than completing (the task is open,
 * so whoever gets past the access layer meets `409`).
 */
export const VARIANT_ROWS: Record<string, Row> = {
  'POST /api/alerts/:id/ack · facility alert': {
    call: async (c) => ({ path: `/api/alerts/${await c.w.facilityAlert(c.place)}/ack` }),
    expected: (c) => gate(c, { view: facilityAlertInView, roles: RESPONDERS }),
  },
  'POST /api/alerts/:id/resolve · facility alert': {
    call: async (c) => ({
      path: `/api/alerts/${await c.w.facilityAlert(c.place)}/resolve`,
      body: { outcome: 'handled' },
    }),
    expected: (c) => gate(c, { view: facilityAlertInView, roles: RESPONDERS }),
  },
  'POST /api/tasks/:id/complete · with outcome': {
    call: async (c) => ({
      path: `/api/tasks/${await c.w.task(c.place, c.consent, undefined, taskKindFor(c))}/complete`,
      body: { outcome: 'handled' },
    }),
    expected: (c) => gate(c, { view: taskInView, roles: TASK_TAKERS }),
  },
};
