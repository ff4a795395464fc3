import { hashSecret, randomDevicePeppers, TokenService } from '@vigil/auth';
import type { Alert, Resident, Role } from '@vigil/contracts';
import { DEFAULT_CONSENT } from '@vigil/contracts';
import {
  AlertService,
  createDispatchSystem,
  type DispatchSystem,
  type RaiseInput,
  RuleSettingsService,
} from '@vigil/engine';
import { type Clock, silentLogger, systemClock } from '@vigil/runtime';
import { createMemoryStores, type Stores } from '@vigil/stores';
import { Counter, Registry } from 'prom-client';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createGateway, type Gateway, type GatewayDeps } from '../src/index.ts';

export const PASSWORD = 'correct horse battery';

/** Two facilities so every test can check that nothing crosses from one to the other. */
export const SEED_USERS: { id: string; role: Role; facilityIds: string[]; zoneIds?: string[]; residentId?: string }[] =
  [
    { id: 'admin', role: 'admin', facilityIds: [] },
    { id: 'manager1', role: 'manager', facilityIds: ['f1'] },
    { id: 'care1', role: 'caregiver', facilityIds: ['f1'] },
    { id: 'care1z2', role: 'caregiver', facilityIds: ['f1'], zoneIds: ['z2'] },
    { id: 'medical1', role: 'medical', facilityIds: ['f1'] },
    { id: 'manager2', role: 'manager', facilityIds: ['f2'] },
    { id: 'care2', role: 'caregiver', facilityIds: ['f2'] },
    { id: 'res1user', role: 'resident', facilityIds: ['f1'], residentId: 'r1' },
  ];

export interface Harness {
  gateway: Gateway;
  stores: Stores;
  alerts: AlertService;
  /** Dispatch and SLA over the same stores; not started (tests call `dispatch.start()` when needed). */
  dispatch: DispatchSystem;
  base: string;
  ready: { value: boolean };
  decommissioned: string[];
  acknowledged: Alert[];
  close(): Promise<void>;
}

let passwordHash: Promise<string> | undefined;

/** The device secret pepper bound to every harness's device store, as services/vigil/src/mqtt.ts binds it. */
export const DEVICE_PEPPERS = randomDevicePeppers();

export async function seed(stores: Stores): Promise<void> {
  passwordHash ??= hashSecret(PASSWORD);
  const hash = await passwordHash;
  await stores.facilities.put({
    id: 'f1',
    name: 'Sunrise',
    zones: [
      { id: 'z1', name: 'East' },
      { id: 'z2', name: 'West' },
    ],
  });
  await stores.facilities.put({ id: 'f2', name: 'Harbour', zones: [{ id: 'z1', name: 'Main' }] });
  const residents: Resident[] = [
    {
      id: 'r1',
      facilityId: 'f1',
      name: 'Ada',
      zoneId: 'z1',
      roomId: '101',
      carePlan: {},
      consent: { ...DEFAULT_CONSENT },
    },
    {
      id: 'r2',
      facilityId: 'f1',
      name: 'Ben',
      zoneId: 'z2',
      roomId: '201',
      carePlan: {},
      consent: { ...DEFAULT_CONSENT },
    },
    {
      id: 'r3',
      facilityId: 'f2',
      name: 'Cai',
      zoneId: 'z1',
      roomId: '1',
      carePlan: {},
      consent: { ...DEFAULT_CONSENT },
    },
  ];
  for (const r of residents) await stores.residents.put(r);
  for (const u of SEED_USERS) {
    await stores.users.put({ ...u, username: u.id, name: `User ${u.id}`, onDuty: false, passwordHash: hash });
  }
}

/** Deps of a gateway over empty stores (for tests that only listen and close). */
export function minimalDeps(clock: Clock = systemClock): GatewayDeps {
  const stores = createMemoryStores(() => clock.now());
  const alerts = new AlertService({
    alerts: stores.alerts,
    events: stores.events,
    clock,
    locks: stores.locks,
    residents: stores.residents,
  });
  const ruleSettings = new RuleSettingsService({ store: stores.ruleSettings, clock });
  const dispatch = createDispatchSystem({ stores, alerts, ruleSettings, clock, logger: silentLogger() });
  return {
    stores,
    alerts,
    ruleSettings,
    policy: dispatch.policy,
    tasks: dispatch.tasks,
    tokens: new TokenService(),
    clock,
    logger: silentLogger(),
  };
}

export async function startHarness(opts: { clock?: Clock; deps?: Partial<GatewayDeps> } = {}): Promise<Harness> {
  const clock = opts.clock ?? systemClock;
  const stores = createMemoryStores(() => clock.now());
  await seed(stores);
  const alerts = new AlertService({
    alerts: stores.alerts,
    events: stores.events,
    clock,
    locks: stores.locks,
    residents: stores.residents,
  });
  const ready = { value: true };
  const decommissioned: string[] = [];
  const acknowledged: Alert[] = [];
  // Shared with the rest of the process in production; here it carries one metric of "another part".
  const registry = new Registry();
  new Counter({
    name: 'vigil_test_extra',
    help: 'A metric registered outside the gateway.',
    registers: [registry],
  }).inc();
  const ruleSettings = new RuleSettingsService({ store: stores.ruleSettings, clock });
  const dispatch = createDispatchSystem({ stores, alerts, ruleSettings, clock, logger: silentLogger() });
  const gateway = createGateway({
    stores,
    alerts,
    ruleSettings,
    policy: dispatch.policy,
    tasks: dispatch.tasks,
    tokens: new TokenService(),
    deviceSecrets: { peppers: DEVICE_PEPPERS },
    clock,
    logger: silentLogger(),
    ready: () => ready.value,
    registry,
    onDeviceDecommissioned: (id) => decommissioned.push(id),
    onAlertAcknowledged: (a) => acknowledged.push(a),
    ...opts.deps,
  });
  const port = await gateway.listen(0, '127.0.0.1');
  return {
    gateway,
    stores,
    alerts,
    dispatch,
    base: `http://127.0.0.1:${port}`,
    ready,
    decommissioned,
    acknowledged,
    close: async () => {
      await dispatch.stop();
      await gateway.close();
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies and envelopes
export type Json = any;

export interface ApiResult<T = Json> {
  status: number;
  body: T;
}

/** JSON over fetch; `body` as a string is sent verbatim (malformed JSON tests). */
export async function api<T = Json>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, {
    method,
    headers,
    body: opts.body === undefined ? null : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, body: body as T };
}

export async function login(base: string, username: string, password = PASSWORD): Promise<string> {
  const res = await api(base, 'POST', '/api/auth/login', { body: { username, password } });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return res.body.token as string;
}

export function raise(alerts: AlertService, over: Partial<RaiseInput> = {}): Promise<Alert> {
  return alerts.raise({
    facilityId: 'f1',
    residentId: 'r1',
    zoneId: 'z1',
    kind: 'sos',
    priority: 'high',
    title: 'SOS',
    explanation: { rule: 'sos', inputs: {}, condition: 'button pressed' },
    observedAt: Date.now(),
    ...over,
  });
}

/** A socket.io-client socket; resolves once connected (or rejects with the connect_error). */
export function connect(base: string, auth: Record<string, unknown>): Promise<Socket> {
  const socket = ioClient(base, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Records every server event in arrival order, from before the connection completes. */
export function recordingSocket(base: string, auth: Record<string, unknown>) {
  const socket = ioClient(base, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  const events: { event: string; envelope: Json }[] = [];
  socket.onAny((event, envelope) => events.push({ event, envelope }));
  const waitFor = async (pred: (e: { event: string; envelope: Json }) => boolean, timeoutMs = 3000) => {
    const start = Date.now();
    for (;;) {
      const hit = events.find(pred);
      if (hit) return hit;
      if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for event');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { socket, events, waitFor };
}
