import { CreateDeviceResponse, LoginResponse, Resident } from '@vigil/contracts';
import type { DeviceSpec } from './types.ts';

export interface ProvisionOptions {
  /** Platform base URL, e.g. `http://localhost:8080`. */
  api: string;
  /** An admin or manager of the facility (contract §4.1: they may create residents and devices). */
  username: string;
  password: string;
  facilityId: string;
  zoneId: string;
  /** Wearables, one per new resident. */
  wearables: number;
  /** Room sensors, one per room of the new residents (round robin). */
  sensors: number;
  /** Room ids are `${roomPrefix}${n}`. */
  roomPrefix?: string;
  fetch?: typeof fetch;
}

async function call<T>(
  f: typeof fetch,
  url: string,
  body: unknown,
  parse: { parse(v: unknown): T },
  token?: string,
): Promise<T> {
  const res = await f(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${new URL(url).pathname} → ${res.status}: ${text.slice(0, 300)}`);
  return parse.parse(JSON.parse(text));
}

/**
 * Creates residents and their devices through the REST API (contract §4.1) and returns the device
 * specs with the secrets, which the platform shows only once: keep them (`--save`).
 */
export async function provisionDevices(options: ProvisionOptions): Promise<DeviceSpec[]> {
  const f = options.fetch ?? fetch;
  const base = options.api.replace(/\/+$/, '');
  const { facilityId, zoneId } = options;
  const roomPrefix = options.roomPrefix ?? 'sim-room-';
  const login = await call(
    f,
    `${base}/api/auth/login`,
    { username: options.username, password: options.password },
    LoginResponse,
  );
  const token = login.token;
  const devices: DeviceSpec[] = [];
  const rooms: string[] = [];
  for (let i = 1; i <= options.wearables; i++) {
    const roomId = `${roomPrefix}${i}`;
    rooms.push(roomId);
    const resident = await call(
      f,
      `${base}/api/residents`,
      { facilityId, name: `Simulated resident ${i}`, zoneId, roomId },
      Resident.pick({ id: true }),
      token,
    );
    const device = await call(
      f,
      `${base}/api/devices`,
      { facilityId, kind: 'wearable', residentId: resident.id, zoneId, roomId },
      CreateDeviceResponse,
      token,
    );
    devices.push({
      deviceId: device.id,
      secret: device.secret,
      facilityId,
      kind: 'wearable',
      residentId: resident.id,
      zoneId,
      roomId,
    });
  }
  for (let i = 1; i <= options.sensors; i++) {
    const roomId = rooms[(i - 1) % Math.max(1, rooms.length)] ?? `${roomPrefix}${i}`;
    const device = await call(
      f,
      `${base}/api/devices`,
      { facilityId, kind: 'sensor', zoneId, roomId },
      CreateDeviceResponse,
      token,
    );
    devices.push({ deviceId: device.id, secret: device.secret, facilityId, kind: 'sensor', zoneId, roomId });
  }
  return devices;
}
