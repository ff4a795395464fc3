import { CreateDeviceResponse, type DeviceDetail, LoginResponse, Resident } from '@vigil/contracts';
import type { DeviceSpec } from './types.ts';

/** Where a resident lives; the rest (care plan, consent) is not the simulator's to read. */
const Placed = Resident.pick({ id: true, facilityId: true, zoneId: true, roomId: true });

export interface ProvisionOptions {
  /** Platform base URL, e.g. `http://localhost:8080`. */
  api: string;
  /** An admin or manager of the facility (contract §4.1: they may create residents and devices). */
  username: string;
  password: string;
  facilityId: string;
  zoneId: string;
  /** Wearables, one per simulated resident. */
  wearables: number;
  /** Room sensors, one per room of the simulated residents (round robin). */
  sensors: number;
  /** Room ids are `${roomPrefix}${n}`. */
  roomPrefix?: string;
  fetch?: typeof fetch;
}

type Call = <T>(method: string, path: string, parse: { parse(v: unknown): T } | null, body?: unknown) => Promise<T>;
interface Session {
  call: Call;
  /** Every page of a list (docs/api.md "Paging": the next page's cursor in `X-Next-Cursor`). */
  list<T>(path: string): Promise<T[]>;
}

/** Signs in; the calls fail loudly on anything but 2xx, except a GET's 404, which answers `undefined`. */
async function session(options: Pick<ProvisionOptions, 'api' | 'username' | 'password' | 'fetch'>): Promise<Session> {
  const f = options.fetch ?? fetch;
  const base = options.api.replace(/\/+$/, '');
  let token: string | undefined;
  const request = async (method: string, path: string, body?: unknown) => {
    const res = await f(`${base}${path}`, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(token !== undefined && { authorization: `Bearer ${token}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok && !(res.status === 404 && method === 'GET')) {
      throw new Error(`${method} ${path.split('?')[0]} → ${res.status}: ${text.slice(0, 300)}`);
    }
    return { res, text };
  };
  const call: Call = async (method, path, parse, body) => {
    const { res, text } = await request(method, path, body);
    if (res.status === 404) return undefined as never;
    return (parse ? parse.parse(JSON.parse(text)) : undefined) as never;
  };
  const list = async <T>(path: string): Promise<T[]> => {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await request('GET', cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
      items.push(...(JSON.parse(page.text) as T[]));
      cursor = page.res.headers.get('x-next-cursor');
    } while (cursor);
    return items;
  };
  token = (
    await call('POST', '/api/auth/login', LoginResponse, { username: options.username, password: options.password })
  ).token;
  return { call, list };
}

/**
 * The simulated residents' ids: fixed per facility, zone and number, so a second run finds the
 * residents of the first instead of adding ten more.
 */
export function simulatedResidentId(facilityId: string, zoneId: string, n: number): string {
  const id = `sim-${facilityId}-${zoneId}-${n}`;
  if (id.length > 64) throw new Error(`facility and zone ids too long for a simulated resident id: ${id}`);
  return id;
}

/** The facility's devices still in service. */
async function devicesInService(s: Session, facilityId: string): Promise<DeviceDetail[]> {
  const all = await s.list<DeviceDetail>(`/api/devices?facilityId=${encodeURIComponent(facilityId)}&limit=1000`);
  return all.filter((d) => d.state !== 'decommissioned');
}

/**
 * Creates (or finds) the simulated residents and gives each a new wearable, plus room sensors,
 * through the REST API (contract §4.1), and returns the device specs with the secrets, which the
 * platform shows only once. Devices a previous run left in service for the same residents and rooms
 * are decommissioned first, so their "offline" alerts close and they do not linger.
 */
export async function provisionDevices(options: ProvisionOptions): Promise<DeviceSpec[]> {
  const s = await session(options);
  const { call } = s;
  const { facilityId, zoneId } = options;
  const roomPrefix = options.roomPrefix ?? 'sim-room-';
  const rooms = Array.from({ length: options.wearables }, (_, i) => `${roomPrefix}${i + 1}`);
  const residentIds = rooms.map((_, i) => simulatedResidentId(facilityId, zoneId, i + 1));

  const ours = new Set(residentIds);
  const leftovers = (await devicesInService(s, facilityId)).filter(
    (d) =>
      (d.residentId !== undefined && ours.has(d.residentId)) ||
      (d.kind === 'sensor' && d.zoneId === zoneId && d.roomId !== undefined && rooms.includes(d.roomId)),
  );
  for (const d of leftovers) await call('DELETE', `/api/devices/${encodeURIComponent(d.id)}`, null);

  const devices: DeviceSpec[] = [];
  for (const [i, roomId] of rooms.entries()) {
    const residentId = residentIds[i]!;
    const found = await call('GET', `/api/residents/${encodeURIComponent(residentId)}`, Placed);
    if (found && found.facilityId !== facilityId) {
      throw new Error(`resident ${residentId} exists in facility ${found.facilityId}, not ${facilityId}`);
    }
    if (!found) {
      await call('POST', '/api/residents', null, {
        id: residentId,
        facilityId,
        name: `Simulated resident ${i + 1}`,
        zoneId,
        roomId,
      });
    }
    const place = found ? { zoneId: found.zoneId, roomId: found.roomId } : { zoneId, roomId };
    const device = await call('POST', '/api/devices', CreateDeviceResponse, {
      facilityId,
      kind: 'wearable',
      residentId,
      ...place,
    });
    devices.push({ deviceId: device.id, secret: device.secret, facilityId, kind: 'wearable', residentId, ...place });
  }
  for (let i = 1; i <= options.sensors; i++) {
    const roomId = rooms[(i - 1) % Math.max(1, rooms.length)] ?? `${roomPrefix}${i}`;
    const device = await call('POST', '/api/devices', CreateDeviceResponse, {
      facilityId,
      kind: 'sensor',
      zoneId,
      roomId,
    });
    devices.push({ deviceId: device.id, secret: device.secret, facilityId, kind: 'sensor', zoneId, roomId });
  }
  return devices;
}

/**
 * Takes the run's devices out of service (DELETE, contract §4.1) once it has stopped: the platform
 * then closes their "offline" alerts, so a finished simulation leaves no alarms behind. Signs in
 * again: the run may have outlived the first token.
 */
export async function retireDevices(
  options: Pick<ProvisionOptions, 'api' | 'username' | 'password' | 'fetch'>,
  devices: readonly Pick<DeviceSpec, 'deviceId'>[],
): Promise<void> {
  const { call } = await session(options);
  for (const d of devices) await call('DELETE', `/api/devices/${encodeURIComponent(d.deviceId)}`, null);
}
