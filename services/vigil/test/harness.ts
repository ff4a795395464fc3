import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@vigil/contracts';
import { type AppOptions, createApp } from '../src/app.ts';

export type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Starts the whole platform in-process on free ports (no demo, no simulator) and offers the calls a
 * test or benchmark needs: REST as any user, device connections, board sockets.
 */
/** What every in-process platform of the tests starts with: free loopback ports, no demo, a known admin. */
export const TEST_PLATFORM = {
  httpPort: 0,
  mqttPort: 0,
  host: '127.0.0.1',
  demo: false,
  adminUsername: 'admin',
  adminPassword: 'admin-pass-123',
  logLevel: 'silent',
} as const satisfies AppOptions;

export async function startPlatform(opts: Omit<AppOptions, 'httpPort' | 'mqttPort'> = {}) {
  const app = await createApp({ ...TEST_PLATFORM, ...opts });
  const { httpPort, mqttPort } = await app.start();
  const client = createPlatformClient(`http://127.0.0.1:${httpPort}`, `mqtt://127.0.0.1:${mqttPort}`);
  return {
    app,
    ...client,
    async stop() {
      client.closeClients();
      await app.stop();
    },
  };
}

export type Platform = Awaited<ReturnType<typeof startPlatform>>;

/**
 * The calls a test makes against a running platform, in this process or another: REST as any user
 * (the admin is `admin` / `admin-pass-123`), device connections, board sockets.
 */
export function createPlatformClient(baseUrl: string, mqttUrl: string) {
  const clients: { end(): unknown }[] = [];

  async function api<T = unknown>(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(token && { authorization: `Bearer ${token}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function login(username: string, password: string): Promise<string> {
    const r = await api<{ token: string }>('POST', '/api/auth/login', undefined, { username, password });
    if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token;
  }

  async function must<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const r = await api<T>(method, path, token, body);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** A facility with one zone, an on-duty caregiver, and `residents` residents each with a wearable. */
  async function provision(residents = 1) {
    const admin = await login('admin', 'admin-pass-123');
    await must('POST', '/api/facilities', admin, {
      id: 'f1',
      name: 'Test Facility',
      zones: [{ id: 'z1', name: 'Zone 1' }],
    });
    await must('POST', '/api/users', admin, {
      id: 'carer1',
      username: 'carer1',
      password: 'carer-pass-123',
      name: 'Carer One',
      role: 'caregiver',
      facilityIds: ['f1'],
    });
    const devices: { residentId: string; deviceId: string; secret: string }[] = [];
    for (let i = 1; i <= residents; i++) {
      const residentId = `r${i}`;
      await must('POST', '/api/residents', admin, {
        id: residentId,
        facilityId: 'f1',
        name: `Resident ${i}`,
        zoneId: 'z1',
        roomId: `room-${i}`,
      });
      const d = await must<{ id: string; secret: string }>('POST', '/api/devices', admin, {
        id: `w${i}`,
        facilityId: 'f1',
        kind: 'wearable',
        residentId,
      });
      devices.push({ residentId, deviceId: d.id, secret: d.secret });
    }
    return { admin, devices };
  }

  /** A device connection with TCP_NODELAY, as real firmware should have. */
  async function connectDevice(deviceId: string, secret: string): Promise<MqttClient> {
    const client = await mqtt.connectAsync(mqttUrl, {
      username: deviceId,
      password: secret,
      clientId: deviceId,
      reconnectPeriod: 0,
      protocolVersion: 4,
    });
    (client.stream as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
    clients.push(client);
    return client;
  }

  async function connectBoard(token: string, lastEventId?: string): Promise<BoardSocket> {
    const socket: BoardSocket = io(baseUrl, {
      auth: { token, ...(lastEventId && { lastEventId }) },
      transports: ['websocket'],
      reconnection: false,
    });
    clients.push({ end: () => socket.close() });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  return {
    baseUrl,
    mqttUrl,
    api,
    login,
    must,
    provision,
    connectDevice,
    connectBoard,
    /** Closes every device connection and socket opened through this client. */
    closeClients() {
      for (const c of clients.splice(0)) c.end();
    },
  };
}
