import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOT_DIR, skipBrowserTests } from './browser.ts';
import { type BoardPlatform, openPage, signInOnPage, startBoardPlatform } from './platform.ts';

/**
 * Issue 14 item 5 end to end, in Chromium against the whole platform in this process: the resident
 * signs in and reads their own readings, wristband and alarms in plain words; they switch the care
 * staff's consent off, and a caregiver's ward grid, open in another browser context, shows "not shared" at
 * once (no reload) and gets no more live vitals; switched on again, the vitals come back.
 */
const FACILITY = 'fac-res';
const RESIDENT = 'res-wang';
const RESIDENT_USER = { username: 'grandma.wang', password: 'wang-resident-2026', name: 'Wang Fang' };
const CARER = { username: 'carer.zhao', password: 'zhao-caregiver-26', name: 'Zhao Min' };

describe.skipIf(skipBrowserTests)('resident view and consent (Chromium)', () => {
  let platform: BoardPlatform | undefined;
  let browser: Browser | undefined;
  let base: string;
  let wearable: MqttClient | undefined;
  let seq = 0;
  let resident: Page;
  let carer: Page;

  const vitals = (hr: number) =>
    wearable?.publishAsync(
      `care/${FACILITY}/devices/w-wang/vitals`,
      JSON.stringify({
        ts: Date.now(),
        seq: ++seq,
        hr,
        spo2: 97,
        rr: 16,
        sbp: 128,
        dbp: 81,
        temp: 36.8,
        battery: 81,
        worn: true,
      }),
      { qos: 1 },
    );

  const newPage = (locale: string) => openPage(browser as Browser, { viewport: { width: 1024, height: 900 }, locale });

  beforeAll(async () => {
    platform = await startBoardPlatform();
    base = platform.base;
    ({ wearable } = await platform.provisionHome({
      facility: { id: FACILITY, name: 'Lakeside Home', zones: [{ id: 'north', name: 'North wing' }] },
      resident: { id: RESIDENT, name: 'Wang Fang', zoneId: 'north', roomId: '3' },
      users: [
        { ...RESIDENT_USER, role: 'resident', residentId: RESIDENT },
        { ...CARER, role: 'caregiver' },
      ],
      deviceId: 'w-wang',
    }));
    await vitals(72);
    await wearable.publishAsync(
      `care/${FACILITY}/devices/w-wang/events`,
      JSON.stringify({ ts: Date.now(), type: 'sos' }),
      {
        qos: 1,
      },
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    // Closing the browser closes every context opened in it.
    await browser?.close();
    await platform?.stop();
  });

  it('shows the resident their own readings, wristband and alarms in plain words', async () => {
    resident = await newPage('en');
    await signInOnPage(resident, base, RESIDENT_USER);
    const summary = resident.getByTestId('own-summary');
    await summary.getByText('Your heart rate is normal: 72 beats a minute').waitFor({ timeout: 10_000 });
    await summary.getByText('Your blood pressure is normal: 128 over 81').waitFor();
    const band = resident.getByTestId('wristband');
    await band.getByText('You are wearing it.').waitFor();
    await band.getByText('Battery: 81%').waitFor();
    await resident.getByTestId('own-alarms').getByText('You pressed the help button').waitFor({ timeout: 10_000 });
    // Live: a new reading arrives over the socket, no reload.
    await resident.waitForTimeout(1_100); // contract §2: at most one vitals event a second
    await vitals(75);
    await summary.getByText('Your heart rate is normal: 75 beats a minute').waitFor({ timeout: 10_000 });
    expect(await resident.getByRole('switch', { name: 'Doctors and nurses' }).isChecked()).toBe(true);
    expect(await resident.getByRole('switch', { name: 'Managers' }).isChecked()).toBe(false);
    await resident.screenshot({ path: join(SCREENSHOT_DIR, 'resident-en.png'), fullPage: true });
  });

  it('takes care staff off at once: the caregiver’s ward grid says "not shared" without a reload', async () => {
    carer = await newPage('en');
    await signInOnPage(carer, base, CARER);
    const tile = carer.locator(`[data-resident-id="${RESIDENT}"]`);
    await tile.locator('.vital', { hasText: '75' }).waitFor({ timeout: 10_000 });
    await carer.getByText('Live', { exact: true }).waitFor({ timeout: 5_000 });
    const loads = { n: 0 };
    carer.on('framenavigated', () => loads.n++);

    const care = resident.getByRole('switch', { name: 'Care staff' });
    await care.click();
    await resident
      .getByText('Care staff cannot see your readings. They are still called when you need help.')
      .waitFor({ timeout: 5_000 });
    expect(await care.isChecked()).toBe(false);

    await tile.getByText(/not shared/i).waitFor({ timeout: 3_000 });
    expect(await tile.locator('.vital', { hasText: '75' }).count()).toBe(0);
    // The server stopped the stream: a new reading reaches the resident, not the caregiver.
    await vitals(88);
    await resident.getByText('Your heart rate is normal: 88 beats a minute').waitFor({ timeout: 10_000 });
    expect(await tile.locator('.vital', { hasText: '88' }).count()).toBe(0);
    await carer.screenshot({ path: join(SCREENSHOT_DIR, 'resident-consent-off-carer.png'), fullPage: true });

    // Given again: the caregiver's tile shows the readings again, and live ones after them.
    await care.click();
    await resident.getByText('Care staff can see your readings', { exact: false }).waitFor({ timeout: 5_000 });
    await tile.locator('.vital', { hasText: '88' }).waitFor({ timeout: 5_000 });
    await resident.waitForTimeout(1_100);
    await vitals(91);
    await tile.locator('.vital', { hasText: '91' }).waitFor({ timeout: 10_000 });
    expect(loads.n).toBe(0);
  });

  it('speaks Chinese to a resident whose browser asks for it', async () => {
    const zh = await newPage('zh-CN');
    await signInOnPage(zh, base, RESIDENT_USER);
    await zh.getByText(/^您的心率.*：每分钟 \d+ 次$/).waitFor({ timeout: 10_000 });
    await zh.getByText('谁可以查看您的健康信息').waitFor();
    await zh.getByRole('switch', { name: '医生和护士' }).waitFor();
    await zh.screenshot({ path: join(SCREENSHOT_DIR, 'resident-zh-CN.png'), fullPage: true });
  });
});
