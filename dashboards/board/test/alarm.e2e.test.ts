import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOT_DIR, skipBrowserTests } from './browser.ts';
import { type BoardPlatform, signInOnPage, startBoardPlatform } from './platform.ts';

/**
 * The caregiver board's alarms end to end: real SOS, fall and device events over MQTT into the whole
 * platform in this process, the board in Debian's Chromium. The sound is asserted where it really is:
 * the AudioContext running and the level measured by an AnalyserNode after the master gain.
 */

const FACILITY = 'fac-alarm';
const RESIDENT = 'res-grace';
const CAREGIVER = { username: 'cara', password: 'cara-pass-123', name: 'Cara Carer' };

interface Probe {
  state: string;
  bursts: { priority: string; loudness: string; pulses: number }[];
  playing: number;
  level(): number;
  context: AudioContext | null;
}
declare const __vigilAlarm: Probe;
declare const __vigilNotifications: { alertId: string; title: string; shown: boolean }[];

/** Resolves once the analyser hears the alarm: samples the level every 20 ms (a pulse lasts 150 ms). */
async function hearAlarm(page: Page, timeout = 8_000): Promise<void> {
  await page.waitForFunction(() => __vigilAlarm.level() > 0.05, undefined, { timeout, polling: 20 });
}

/**
 * Listens for `ms` and returns the loudest level heard and how many bursts started meanwhile. The first
 * 100 ms are not sampled: the analyser's window (2048 samples, ~43 ms) and the audio thread's render-ahead
 * still hold what played just before, so "silenced at once" means within 100 ms.
 */
async function listen(page: Page, ms: number): Promise<{ peak: number; newBursts: number }> {
  return page.evaluate(async (ms) => {
    const before = __vigilAlarm.bursts.length;
    await new Promise((r) => setTimeout(r, 100));
    let peak = 0;
    const end = Date.now() + ms;
    while (Date.now() < end) {
      peak = Math.max(peak, __vigilAlarm.level());
      await new Promise((r) => setTimeout(r, 20));
    }
    return { peak, newBursts: __vigilAlarm.bursts.length - before };
  }, ms);
}

describe.skipIf(skipBrowserTests)('caregiver board alarms (Chromium)', () => {
  let platform: BoardPlatform | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let wearable: MqttClient | undefined;
  let sensor: MqttClient | undefined;
  let wearableId: string;
  let sensorId: string;

  const publish = (client: MqttClient | undefined, id: string, channel: string, payload: object) =>
    client!.publishAsync(`care/${FACILITY}/devices/${id}/${channel}`, JSON.stringify(payload), { qos: 1 });
  const event = (type: string) => publish(wearable, wearableId, 'events', { ts: Date.now(), type });
  const card = (priority: string, state = 'active') =>
    page.locator(`[role="article"][data-priority="${priority}"][data-state="${state}"]`);

  beforeAll(async () => {
    platform = await startBoardPlatform();
    base = platform.base;
    await platform.addFacility({ id: FACILITY, name: 'Elm Court', zones: [{ id: 'north', name: 'North' }] });
    await platform.addUser({ ...CAREGIVER, role: 'caregiver', facilityIds: [FACILITY] });
    await platform.addResident({
      id: RESIDENT,
      facilityId: FACILITY,
      name: 'Grace Hopper',
      zoneId: 'north',
      roomId: '7',
    });
    const connect = async (kind: string) => {
      const d = await platform!.addDevice({ facilityId: FACILITY, kind, residentId: RESIDENT });
      return { id: d.id, client: await platform!.connectDevice(d) };
    };
    ({ id: wearableId, client: wearable } = await connect('wearable'));
    ({ id: sensorId, client: sensor } = await connect('wearable'));

    browser = await launchChromium([
      // Tests only: headless has no one to click for audio. The board itself relies on the login click.
      '--autoplay-policy=no-user-gesture-required',
    ]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en' });
    await context.grantPermissions(['notifications'], { origin: base });
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('signs in with the audio running and the mute ready', async () => {
    await signInOnPage(page, base, CAREGIVER);
    await page.getByText('Live', { exact: true }).waitFor({ timeout: 5_000 });
    await page.waitForFunction(() => __vigilAlarm.state === 'running', undefined, { timeout: 5_000 });
    expect(await page.getByTestId('sound-banner').count()).toBe(0);
    expect(await page.getByTestId('alarm-mute').getAttribute('data-muted')).toBe('false');
  });

  it('an SOS sounds the 10-pulse high burst, repeating, and the card pulses', async () => {
    await event('sos');
    await card('high').waitFor({ timeout: 5_000 });
    await hearAlarm(page);
    const first = await page.evaluate(() => __vigilAlarm.bursts[0]);
    expect(first).toEqual({ priority: 'high', loudness: 'normal', pulses: 10, at: expect.any(Number) });
    // A 3.5 s burst, then 4 s of silence: a second burst comes unless someone acknowledges.
    await page.waitForFunction(() => __vigilAlarm.bursts.length >= 2, undefined, { timeout: 10_000 });
    expect(await card('high').getAttribute('class')).toContain('card--pulse');
  });

  it('mute silences at once, counts down, and the sound returns when unmuted', async () => {
    await page.getByTestId('alarm-mute').click();
    const mute = page.locator('[data-testid="alarm-mute"][data-muted="true"]');
    await mute.waitFor({ timeout: 2_000 });
    const countdown = mute.getByTestId('alarm-mute-countdown');
    const t1 = (await countdown.textContent()) ?? '';
    expect(t1).toMatch(/^[12]:\d\d$/);
    // Across a whole repeat period (7.5 s): no pulse in flight, nothing heard, no new burst.
    const quiet = await listen(page, 8_000);
    expect(quiet).toEqual({ peak: 0, newBursts: 0 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'board-alarm-muted.png') });
    const t2 = (await countdown.textContent()) ?? '';
    expect(t2 < t1).toBe(true);

    await mute.click();
    await page.locator('[data-testid="alarm-mute"][data-muted="false"]').waitFor({ timeout: 2_000 });
    await hearAlarm(page);
  });

  it('acknowledging stops the sound and the pulse', async () => {
    await card('high').getByRole('button', { name: 'Acknowledge' }).click();
    await card('high', 'acknowledged').waitFor({ timeout: 5_000 });
    expect(await card('high', 'acknowledged').getAttribute('class')).not.toContain('card--pulse');
    await page.waitForFunction(() => __vigilAlarm.playing === 0, undefined, { timeout: 2_000 });
    const after = await listen(page, 8_000);
    expect(after).toEqual({ peak: 0, newBursts: 0 });
  });

  it('a new SOS press on the acknowledged alert re-raises it: it sounds again, louder', async () => {
    await event('sos');
    await card('high').getByTestId('alert-called-again').waitFor({ timeout: 5_000 });
    // A first call plays at gain 0.5, a re-raise at 0.9 (contract §3.1: more urgent than a new call).
    const heard = await listen(page, 2_600);
    expect(heard.peak).toBeGreaterThan(0.7);
    expect(await page.evaluate(() => __vigilAlarm.bursts.at(-1)?.loudness)).toBe('loud');
    await card('high').getByRole('button', { name: 'Acknowledge' }).click();
    await card('high', 'acknowledged').waitFor({ timeout: 5_000 });
    await page.waitForFunction(() => __vigilAlarm.playing === 0, undefined, { timeout: 2_000 });
  });

  it('a high alert while the tab is hidden shows a system notification', async () => {
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await event('fall');
    // `shown`: the browser's own `show` event for the notification, not only our call.
    await page.waitForFunction(
      () => __vigilNotifications.some((n) => n.title === 'HIGH: Fall detected' && n.shown),
      undefined,
      {
        timeout: 5_000,
      },
    );
    const sent = await page.evaluate(() => __vigilNotifications);
    // The SOS came while the tab was visible: no notification for it.
    expect(sent.map((n) => n.title)).toEqual(['HIGH: Fall detected']);
    expect(sent[0]?.alertId).toBe(await card('high').getAttribute('data-alert-id'));
    await page.evaluate(() => {
      // Back to the real (visible) properties of the document's prototype.
      delete (document as { visibilityState?: unknown }).visibilityState;
      delete (document as { hidden?: unknown }).hidden;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await card('high').getByRole('button', { name: 'Acknowledge' }).click();
    await card('high').waitFor({ state: 'detached', timeout: 5_000 });
  });

  it('a medium alert plays the 3-pulse burst; a low one is silent; IEC colours on the cards', async () => {
    const before = await page.evaluate(() => __vigilAlarm.bursts.length);
    await publish(sensor, sensorId, 'status', { state: 'offline' });
    await card('medium').waitFor({ timeout: 5_000 });
    await hearAlarm(page);
    const medium = await page.evaluate((n) => __vigilAlarm.bursts.slice(n), before);
    expect(medium.map((b) => [b.priority, b.pulses])).toEqual([['medium', 3]]);

    await event('low_battery');
    await card('low').waitFor({ timeout: 5_000 });
    const low = await listen(page, 1_500);
    expect(low.newBursts).toBe(0);

    const badge = (p: string) =>
      page
        .locator(`[role="article"][data-priority="${p}"] .prio`)
        .first()
        .evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
    expect(await badge('high')).toEqual(['rgb(179, 38, 30)', 'rgb(255, 255, 255)']);
    expect(await badge('medium')).toEqual(['rgb(255, 208, 0)', 'rgb(43, 26, 0)']);
    expect(await badge('low')).toEqual(['rgb(0, 188, 212)', 'rgb(0, 43, 51)']);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'board-alarm-colours.png'), fullPage: true });
  });

  it('a new alarm while scrolled away shows "↑ 1 new alarm", which scrolls back', async () => {
    await page.setViewportSize({ width: 1280, height: 360 });
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    expect(await page.getByTestId('new-alarms').count()).toBe(0);
    await event('wear_off');
    const chip = page.getByTestId('new-alarms');
    await chip.waitFor({ timeout: 5_000 });
    expect(await chip.textContent()).toBe('↑ 1 new alarm');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'board-alarm-new-chip.png') });
    await chip.click();
    await chip.waitFor({ state: 'detached', timeout: 2_000 });
    const top = await page.locator('#alerts-heading').evaluate((el) => el.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(200);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('says so when the browser holds the sound back, and one click enables it', async () => {
    await page.evaluate(() => __vigilAlarm.context?.suspend());
    const banner = page.getByTestId('sound-banner');
    await banner.waitFor({ timeout: 2_000 });
    // Visible wherever the board is scrolled (the last test left it scrolled to the alert list).
    const box = await banner.boundingBox();
    expect(box && box.y >= 0 && box.y < 200).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'board-alarm-sound-off.png') });
    expect(await banner.textContent()).toContain('Click here to enable alarm sound');
    await banner.click();
    await page.waitForFunction(() => __vigilAlarm.state === 'running', undefined, { timeout: 2_000 });
    await banner.waitFor({ state: 'detached', timeout: 2_000 });
  });
});
