import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOT_DIR, skipBrowserTests } from './browser.ts';
import { type BoardPlatform, openPage, signInOnPage, startBoardPlatform, waitForConsult } from './platform.ts';

/**
 * Issue 15 item 2 in Chromium: a doctor has a resident's consult open; the resident's risk rises over
 * MQTT; the platform pushes `report.updated`, and the open consult's summary shows the new risk with a
 * notice in plain words, without a reload.
 */
const FACILITY = 'fac-push';
const RESIDENT = 'res-ada';
const DOCTOR = { username: 'drwang', password: 'drwang-pass-1234', name: 'Dr Wang Fang' };
const MIN = 60_000;

describe.skipIf(skipBrowserTests)('pushed risk change in the consult view (Chromium)', () => {
  let platform: BoardPlatform | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base: string;
  let device$: MqttClient | undefined;
  let topic: string;
  let seq = 1;

  beforeAll(async () => {
    platform = await startBoardPlatform();
    base = platform.base;
    const { device, wearable } = await platform.provisionHome({
      facility: { id: FACILITY, name: 'Lakeside', zones: [{ id: 'east', name: 'East' }] },
      resident: { id: RESIDENT, name: 'Ada Lovelace', zoneId: 'east', roomId: '12' },
      users: [{ ...DOCTOR, role: 'medical' }],
    });
    device$ = wearable;
    const docToken = (await platform.goOnDuty(DOCTOR)).token;
    topic = `care/${FACILITY}/devices/${device.id}/vitals`;
    // Half an hour of calm readings, then SpO2 79 % a minute ago: a `high` alert asks the doctor.
    const now = Date.now();
    const samples = [];
    for (let ago = 30; ago >= 2; ago -= 2) {
      samples.push({ ts: now - ago * MIN, seq: seq++, hr: 74, spo2: 97, rr: 15, sbp: 124, temp: 36.8 });
    }
    samples.push({ ts: now - MIN, seq: seq++, hr: 90, spo2: 79, rr: 16 });
    await device$.publishAsync(topic, JSON.stringify({ samples }), { qos: 1 });
    await waitForConsult(base, docToken, RESIDENT);
    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1366, height: 900 }, locale: 'en' });
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('the open consult shows the risk that rose at once, in plain words, without a reload', async () => {
    await signInOnPage(page, base, DOCTOR);
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
