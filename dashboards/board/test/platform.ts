import type { LoginResponse, Task } from '@vigil/contracts';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { type App, createApp } from '../../../services/vigil/src/app.ts';
import { TEST_PLATFORM } from '../../../services/vigil/test/harness.ts';
import { BOARD_DIST, prepareBoard, rest } from './browser.ts';

/**
 * The fixture every in-process board browser test starts from: the whole platform in this process
 * serving the built board, its admin signed in, provisioning calls bound to it, device connections it
 * closes on stop, and the browser pages and sign-in the tests share. browser.ts keeps what does not
 * need a platform (Chromium, the build, REST); the liveness test runs real processes instead.
 */

export interface Credentials {
  username: string;
  password: string;
}
export interface DeviceSecret {
  id: string;
  secret: string;
}

/** What the admin REST calls take (as much of each body as the tests use). */
interface NewFacility {
  id: string;
  name: string;
  zones: { id: string; name: string }[];
}
interface NewUser extends Credentials {
  name: string;
  role: string;
  facilityIds: string[];
  id?: string;
  residentId?: string;
}
interface NewResident {
  id: string;
  facilityId: string;
  name: string;
  zoneId: string;
  roomId: string;
}
interface NewDevice {
  facilityId: string;
  kind: string;
  id?: string;
  residentId?: string;
  zoneId?: string;
  roomId?: string;
}

const TEST_ADMIN: Credentials = { username: TEST_PLATFORM.adminUsername, password: TEST_PLATFORM.adminPassword };

/** POST /api/auth/login as `who`; fails loudly on a wrong password. */
export function signIn(base: string, who: Credentials): Promise<LoginResponse> {
  return rest<LoginResponse>(base, 'POST', '/api/auth/login', undefined, who);
}

/** Builds the board if needed, starts the platform on free ports (no simulator) and signs its admin in. */
export async function startBoardPlatform() {
  await prepareBoard();
  const app: App = await createApp({ ...TEST_PLATFORM, simulator: false, boardDir: BOARD_DIST });
  const { httpPort, mqttPort } = await app.start();
  const base = `http://127.0.0.1:${httpPort}`;
  const admin = (await signIn(base, TEST_ADMIN)).token;
  const devices: mqtt.MqttClient[] = [];
  const asAdmin = <T>(path: string, body: object) => rest<T>(base, 'POST', path, admin, body);

  const addFacility = (body: NewFacility) => asAdmin('/api/facilities', body);
  const addUser = (body: NewUser) => asAdmin<{ id: string }>('/api/users', body);
  const addResident = (body: NewResident) => asAdmin('/api/residents', body);
  const addDevice = (body: NewDevice) => asAdmin<DeviceSecret>('/api/devices', body);

  /** The device's MQTT connection, as its firmware makes it; ended on stop. */
  async function connectDevice(device: DeviceSecret): Promise<mqtt.MqttClient> {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      username: device.id,
      password: device.secret,
      clientId: device.id,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    devices.push(client);
    return client;
  }

  return {
    app,
    base,
    mqttPort,
    /** The admin's token. */
    admin,
    addFacility,
    addUser,
    addResident,
    addDevice,
    connectDevice,
    /** Signs `who` in and puts them on duty: tasks and consults go only to staff on duty. */
    async goOnDuty(who: Credentials): Promise<LoginResponse> {
      const me = await signIn(base, who);
      await rest(base, 'PUT', `/api/users/${me.user.id}/duty`, me.token, { onDuty: true });
      return me;
    },
    /**
     * The home most tests start from: a facility, one resident in it (first, so a resident's own
     * account can name them), its users, and the resident's wearable, connected.
     */
    async provisionHome(home: {
      facility: NewFacility;
      resident: Omit<NewResident, 'facilityId'>;
      users: Omit<NewUser, 'facilityIds'>[];
      deviceId?: string;
    }): Promise<{ device: DeviceSecret; wearable: mqtt.MqttClient }> {
      const facilityId = home.facility.id;
      await addFacility(home.facility);
      await addResident({ ...home.resident, facilityId });
      for (const u of home.users) await addUser({ ...u, facilityIds: [facilityId] });
      const device = await addDevice({
        ...(home.deviceId && { id: home.deviceId }),
        facilityId,
        kind: 'wearable',
        residentId: home.resident.id,
      });
      return { device, wearable: await connectDevice(device) };
    },
    async stop(): Promise<void> {
      for (const d of devices.splice(0)) d.end(true);
      await app.stop();
    },
  };
}

export type BoardPlatform = Awaited<ReturnType<typeof startBoardPlatform>>;

/** A page in a fresh browser context (its own storage: its own session), page errors logged. */
export async function openPage(
  browser: Browser,
  opts: { locale: string; viewport: { width: number; height: number } },
): Promise<Page> {
  const context = await browser.newContext(opts);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  return page;
}

/** Opens the board and signs `who` in through its form; the button by its role, as the page speaks the browser's language. */
export async function signInOnPage(page: Page, base: string, who: Credentials): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('#username', who.username);
  await page.fill('#password', who.password);
  await page.locator('button[type="submit"]').click();
}

/** Waits until the platform has offered `token`'s user a remote consult about `residentId`. */
export async function waitForConsult(base: string, token: string, residentId: string, timeoutMs = 10_000) {
  const hasConsult = async () =>
    (await rest<Task[]>(base, 'GET', '/api/tasks?state=active&assignee=me', token)).some(
      (t) => t.kind === 'remote_consult' && t.residentId === residentId,
    );
  const deadline = Date.now() + timeoutMs;
  while (!(await hasConsult())) {
    if (Date.now() > deadline) throw new Error(`no consult task within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
