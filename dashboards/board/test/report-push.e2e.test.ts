import { join } from 'node:path';
import type { LoginResponse, Task } from '@vigil/contracts';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../../services/vigil/src/app.ts';
import { TEST_PLATFORM } from '../../../services/vigil/test/harness.ts';
import { BOARD_DIST, launchChromium, prepareBoard, rest, SCREENSHOT_DIR, skipBrowserTests } from './browser.ts';

/**
 * Issue 15 item 2 in Chromium: a doctor has a resident's consult open; the resident's risk rises over
 * MQTT; the platform pushes `report.updated`, and the open consult's summary shows the new risk with a
 * notice in plain words, without a reload.
 */
const FACILITY = 'fac-push';
const RESIDENT = 'res-ada';
const DOCTOR = { username: 'drwang', password: 'drwang-pass-1234', name: 'Dr Wang Fang' };
const MIN = 60_000;
const TEST_ADMIN = { username: TEST_PLATFORM.adminUsername, password: TEST_PLATFORM.adminPassword };

describe.skipIf(skipBrowserTests)('pushed risk change in the consult view (Chromium)', () => {
  let app: App | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base: string;
  let device$: mqtt.MqttClient | undefined;
  let topic: string;
  let seq = 1;

  beforeAll(async () => {
    await prepareBoard();
    app = await createApp({ ...TEST_PLATFORM, simulator: false, boardDir: BOARD_DIST });
    const ports = await app.start();
    base = `http://127.0.0.1:${ports.httpPort}`;
    const admin = (await rest<LoginResponse>(base, 'POST', '/api/auth/login', undefined, TEST_ADMIN)).token;
    await rest(base, 'POST', '/api/facilities', admin, {
      id: FACILITY,
      name: 'Lakeside',
      zones: [{ id: 'east', name: 'East' }],
    });
    const doctor = await rest<{ id: string }>(base, 'POST', '/api/users', admin, {
      ...DOCTOR,
      role: 'medical',
      facilityIds: [FACILITY],
    });
    await rest(base, 'POST', '/api/residents', admin, {
      id: RESIDENT,
      facilityId: FACILITY,
      name: 'Ada Lovelace',
      zoneId: 'east',
      roomId: '12',
    });
    const device = await rest<{ id: string; secret: string }>(base, 'POST', '/api/devices', admin, {
      facilityId: FACILITY,
      kind: 'wearable',
      residentId: RESIDENT,
    });
    const docToken = (await rest<LoginResponse>(base, 'POST', '/api/auth/login', undefined, DOCTOR)).token;
    await rest(base, 'PUT', `/api/users/${doctor.id}/duty`, docToken, { onDuty: true });
    device$ = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqttPort}`, {
      username: device.id,
      password: device.secret,
      clientId: device.id,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    topic = `care/${FACILITY}/devices/${device.id}/vitals`;
    // Half an hour of calm readings, then SpO2 79 % a minute ago: a `high` alert asks the doctor.
    const now = Date.now();
    const samples = [];
    for (let ago = 30; ago >= 2; ago -= 2) {
      samples.push({ ts: now - ago * MIN, seq: seq++, hr: 74, spo2: 97, rr: 15, sbp: 124, temp: 36.8 });
    }
    samples.push({ ts: now - MIN, seq: seq++, hr: 90, spo2: 79, rr: 16 });
    await device$.publishAsync(topic, JSON.stringify({ samples }), { qos: 1 });
    const hasConsult = async () =>
      (await rest<Task[]>(base, 'GET', '/api/tasks?state=active&assignee=me', docToken)).some(
        (t) => t.kind === 'remote_consult' && t.residentId === RESIDENT,
      );
    const deadline = Date.now() + 10_000;
    while (!(await hasConsult())) {
      if (Date.now() > deadline) throw new Error('no consult task within 10 s of SpO2 79 %');
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en' });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
  });

  afterAll(async () => {
    device$?.end(true);
    await browser?.close();
    await app?.stop();
  });

  it('the open consult shows the risk that rose at once, in plain words, without a reload', async () => {
    await page.goto(`${base}/`);
    await page.fill('#username', DOCTOR.username);
    await page.fill('#password', DOCTOR.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const item = page.locator('[data-testid="consult-item"]').first();
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    const risk = page.getByTestId('consult-report').getByTestId('report-risk');
    await risk.waitFor({ timeout: 15_000 });
    expect(await risk.getAttribute('data-risk')).not.toBe('high');
    expect(await page.getByTestId('report-pushed').count()).toBe(0);
    // A mark on this page: gone if the board reloaded it.
    await page.evaluate(() => Object.assign(window, { pushMark: true }));

    // Fast pulse and breathing on top of the low oxygen: NEWS2 3 + 3 + 3 = 9, high.
    await device$?.publishAsync(
      topic,
      JSON.stringify({ samples: [{ ts: Date.now(), seq: seq++, hr: 135, spo2: 79, rr: 26 }] }),
      { qos: 1 },
    );
    const notice = page.getByTestId('report-pushed');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.getAttribute('data-direction')).toBe('rose');
    expect(await notice.getAttribute('data-risk')).toBe('high');
    expect(await notice.getAttribute('role')).toBe('alert');
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain('Risk has gone up: now High');
    expect(text).toMatch(/Mostly from: .*Heart rate/);
    await page.locator('[data-testid="report-risk"][data-risk="high"]').waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as { pushMark?: boolean }).pushMark)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'consult-risk-pushed.png'), fullPage: true });

    await notice.getByRole('button', { name: 'Got it' }).click();
    expect(await page.getByTestId('report-pushed').count()).toBe(0);
    expect(await risk.getAttribute('data-risk')).toBe('high');
  });
});
