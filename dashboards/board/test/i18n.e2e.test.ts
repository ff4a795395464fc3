import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOT_DIR, skipBrowserTests } from './browser.ts';
import { type BoardPlatform, openPage, startBoardPlatform } from './platform.ts';

/**
 * The board in Chinese for a browser that asks for it (issue 14 item 6): the login page, the tiles and
 * a real alert's card in Chinese, the switch to English at once and remembered across a reload, and
 * Chinese glyphs actually drawn (fonts-noto-cjk), not empty boxes.
 */
const FACILITY = 'fac-i18n';
const RESIDENT = 'res-lin';
const CAREGIVER = { username: 'wang', password: 'wang-pass-1234', name: '王芳' };

/**
 * Whether two different Chinese characters draw differently in the board's own font stack: a missing
 * font draws every character as the same empty box ("tofu"), so identical pixels mean no CJK font.
 */
async function cjkGlyphsDiffer(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const font = getComputedStyle(document.body).fontFamily;
    const draw = (ch: string) => {
      const c = document.createElement('canvas');
      c.width = 48;
      c.height = 48;
      const g = c.getContext('2d');
      if (!g) return '';
      g.font = `32px ${font}`;
      g.fillText(ch, 4, 36);
      return Array.from(g.getImageData(0, 0, 48, 48).data).join(',');
    };
    const a = draw('警');
    return a !== '' && a !== draw('报') && a !== draw('\u{10FFFF}');
  });
}

describe.skipIf(skipBrowserTests)('the board in Chinese and English (Chromium)', () => {
  let platform: BoardPlatform | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base: string;
  let device$: MqttClient | undefined;
  let deviceId: string;

  beforeAll(async () => {
    platform = await startBoardPlatform();
    base = platform.base;
    const { device, wearable } = await platform.provisionHome({
      facility: { id: FACILITY, name: '松鹤园', zones: [{ id: 'east', name: '东区' }] },
      resident: { id: RESIDENT, name: '林秀英', zoneId: 'east', roomId: '12' },
      users: [{ ...CAREGIVER, role: 'caregiver' }],
    });
    deviceId = device.id;
    device$ = wearable;
    await device$.publishAsync(
      `care/${FACILITY}/devices/${device.id}/vitals`,
      JSON.stringify({ ts: Date.now(), seq: 1, hr: 76, spo2: 97, rr: 16, sbp: 124, dbp: 78, temp: 36.6, worn: true }),
      { qos: 1 },
    );

    browser = await launchChromium();
    // A browser set to Chinese: navigator.languages and Accept-Language say zh-CN.
    page = await openPage(browser, { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('greets a Chinese browser in Chinese, drawn with real Chinese glyphs', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: '登录', exact: true }).waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.locator('label[for="username"]').textContent()).toBe('用户名');
    expect(await page.locator('[data-locale="zh-CN"]').getAttribute('aria-pressed')).toBe('true');
    expect(await cjkGlyphsDiffer(page)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'i18n-login-zh.png') });
  });

  it('shows the board, tiles and a real alert card in Chinese', async () => {
    await page.fill('#username', CAREGIVER.username);
    await page.fill('#password', CAREGIVER.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { name: '待处理警报' }).waitFor({ timeout: 5_000 });
    await page.getByText('实时', { exact: true }).waitFor({ timeout: 5_000 });

    const tile = page.locator(`[data-resident-id="${RESIDENT}"]`);
    await tile.getByText('林秀英').waitFor({ timeout: 5_000 });
    expect(await tile.textContent()).toContain('12 号房');
    await tile.locator('.vital', { hasText: '76' }).waitFor({ timeout: 5_000 });
    expect(await tile.locator('.vital__label').first().textContent()).toContain('心率');

    await device$!.publishAsync(
      `care/${FACILITY}/devices/${deviceId}/events`,
      JSON.stringify({ ts: Date.now(), type: 'sos' }),
      { qos: 1 },
    );
    const card = page.locator('[role="article"][data-alert-id][data-priority="high"]');
    await card.waitFor({ timeout: 5_000 });
    expect(await card.locator('.card__title').textContent()).toBe('按下了求助按钮');
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('高');
    expect(text).toContain('住户按下了手环上的求助按钮。');
    expect(text).not.toMatch(/device-event|Rule /);
    expect(await card.getByRole('button', { name: '确认' }).count()).toBe(1);
    await page.waitForFunction(() => document.title.includes('高优先级警报'), undefined, { timeout: 5_000 });
    expect(await cjkGlyphsDiffer(page)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'i18n-board-zh.png'), fullPage: true });
  });

  it('switches to English at once, and remembers it across a reload', async () => {
    await page.locator('header [data-locale="en"]').click();
    // At once: no reload, no new data needed.
    await page.getByRole('heading', { name: 'Open alerts' }).waitFor({ timeout: 1_000 });
    const card = page.locator('[role="article"][data-alert-id][data-priority="high"]');
    expect(await card.locator('.card__title').textContent()).toBe('Help button pressed');
    expect(await card.getByRole('button', { name: 'Acknowledge' }).count()).toBe(1);
    expect(await page.locator(`[data-resident-id="${RESIDENT}"]`).textContent()).toContain('Room 12');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.evaluate(() => localStorage.getItem('vigil.locale'))).toBe('en');

    await page.reload();
    await page.getByRole('heading', { name: 'Open alerts' }).waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.locator('header [data-locale="en"]').getAttribute('aria-pressed')).toBe('true');

    // And back: the Chinese choice is remembered the same way.
    await page.locator('header [data-locale="zh-CN"]').click();
    await page.getByRole('heading', { name: '待处理警报' }).waitFor({ timeout: 1_000 });
    expect(await page.evaluate(() => localStorage.getItem('vigil.locale'))).toBe('zh-CN');
  });
});
