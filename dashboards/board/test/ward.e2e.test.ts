import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contrastRatio } from '../src/contrast.ts';
import { launchChromium, SCREENSHOT_DIR, skipBrowserTests } from './browser.ts';
import { type BoardPlatform, type DeviceSecret, openPage, signInOnPage, startBoardPlatform } from './platform.ts';

/**
 * The ward grid in a real browser against the whole platform in this process: a facility of two
 * wings, residents with real wearables over MQTT, one whose readings are too old (stale), and an SOS
 * that must bring its resident to the top of the grid at once.
 */
const FACILITY = 'fac-ward';
const CAREGIVER = { username: 'wendy', password: 'wendy-pass-123', name: 'Wendy Ward' };

/** Names chosen so that alphabetical order is not urgency order (Zoe is last by name). */
const RESIDENTS = [
  { id: 'res-amy', name: 'Amy Archer', zoneId: 'east', roomId: '11' },
  { id: 'res-ben', name: 'Ben Brook', zoneId: 'east', roomId: '12' },
  { id: 'res-cal', name: 'Cal Cooper', zoneId: 'east', roomId: '120' },
  { id: 'res-dot', name: 'Dot Dale', zoneId: 'west', roomId: '21' },
  { id: 'res-eve', name: 'Eve Evans', zoneId: 'west', roomId: '22' },
  { id: 'res-zoe', name: 'Zoe Zhang', zoneId: 'west', roomId: '23' },
] as const;

/** hex of a computed `rgb(r, g, b)` colour. */
function hex(rgb: string): string {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(rgb);
  if (!m) throw new Error(`not an rgb colour: ${rgb}`);
  return `#${[m[1], m[2], m[3]].map((c) => Number(c).toString(16).padStart(2, '0')).join('')}`;
}

describe.skipIf(skipBrowserTests)('ward grid (Chromium)', () => {
  let platform: BoardPlatform | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base: string;
  const devices = new Map<string, DeviceSecret>();

  async function connect(residentId: string): Promise<{ client: MqttClient; id: string }> {
    const d = devices.get(residentId)!;
    return { client: await platform!.connectDevice(d), id: d.id };
  }

  const tiles = () => page.locator('[data-testid="ward-grid"] > li');
  const tileIds = () => tiles().evaluateAll((els) => els.map((e) => e.getAttribute('data-resident-id')));

  beforeAll(async () => {
    platform = await startBoardPlatform();
    base = platform.base;
    await platform.addFacility({
      id: FACILITY,
      name: 'Lakeside',
      zones: [
        { id: 'east', name: 'East wing' },
        { id: 'west', name: 'West wing' },
      ],
    });
    await platform.addUser({ ...CAREGIVER, role: 'caregiver', facilityIds: [FACILITY] });
    for (const r of RESIDENTS) {
      await platform.addResident({ ...r, facilityId: FACILITY });
      devices.set(r.id, await platform.addDevice({ facilityId: FACILITY, kind: 'wearable', residentId: r.id }));
    }
    // Everyone but Cal streams now; Cal's last reading is five minutes old: stale.
    for (const r of RESIDENTS) {
      const { client, id } = await connect(r.id);
      const ts = r.id === 'res-cal' ? Date.now() - 5 * 60_000 : Date.now();
      await client.publishAsync(
        `care/${FACILITY}/devices/${id}/vitals`,
        JSON.stringify({ ts, seq: 1, hr: 72, spo2: 97, rr: 16, temp: 36.7, worn: true }),
        { qos: 1 },
      );
    }

    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1920, height: 1080 }, locale: 'en' });
    await signInOnPage(page, base, CAREGIVER);
    await page.getByText(CAREGIVER.name).waitFor({ timeout: 5_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('shows every resident as a tile, many to a row, with vitals, a trend and stale ones first', async () => {
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length === 6, {
      timeout: 5_000,
    });
    await page.locator('[data-resident-id="res-amy"] .vital', { hasText: '72' }).first().waitFor({ timeout: 5_000 });
    expect(await page.locator('[data-resident-id="res-amy"] [data-testid="hr-sparkline"]').count()).toBe(1);
    // The grid fills what the alert column leaves: on a 1920 px desktop, six tiles to a row.
    const tops = await tiles().evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
    // No alerts, no NEWS2 risk above the others: the stale resident first, then by name.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="ward-grid"] > li')?.getAttribute('data-resident-id') === 'res-cal',
      undefined,
      { timeout: 5_000 },
    );
    expect(await tileIds()).toEqual(['res-cal', 'res-amy', 'res-ben', 'res-dot', 'res-eve', 'res-zoe']);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'ward-grid.png') });
  }, 90_000);

  it('greys stale values while keeping them readable (contrast at least 4.5:1)', async () => {
    const stale = page.locator('[data-resident-id="res-cal"]');
    expect(await stale.getAttribute('class')).toContain('tile--stale');
    expect(await stale.getByTestId('freshness').textContent()).toMatch(/^No readings for [5-6] min/);
    const pairs = await stale.locator('.vital').evaluateAll((cells) =>
      cells.map((cell) => {
        const value = cell.querySelector('.vital__value') as HTMLElement;
        return [getComputedStyle(value).color, getComputedStyle(cell).backgroundColor];
      }),
    );
    expect(pairs.length).toBe(5);
    for (const [fg, bg] of pairs) expect(contrastRatio(hex(fg!), hex(bg!))).toBeGreaterThanOrEqual(4.5);
  });

  it('finds a room however the number is typed', async () => {
    const search = page.getByTestId('ward-search');
    await search.fill('１２号');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length === 2);
    // Room 12 and room 120 (narrowing while typing); the rest hidden.
    expect((await tileIds()).sort()).toEqual(['res-ben', 'res-cal']);
    await search.fill('Room 120');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length === 1);
    expect(await tileIds()).toEqual(['res-cal']);
    await search.fill('zoe');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length === 1);
    expect(await tileIds()).toEqual(['res-zoe']);
    await search.fill('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length === 6);
  });

  it('filters by area with counts, and remembers the choice across a reload', async () => {
    const zone = page.getByTestId('ward-zone');
    const options = await zone.locator('option').allTextContents();
    expect(options).toEqual(['All areas (6)', 'East wing (3)', 'West wing (3)']);
    await zone.selectOption('west');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length === 3);
    expect((await tileIds()).sort()).toEqual(['res-dot', 'res-eve', 'res-zoe']);
    // The state buttons count within the chosen area: nobody in the west wing is stale.
    expect(await page.locator('[data-testid="ward-states"] button').allTextContents()).toEqual([
      'Everyone (3)',
      'Needs help (0)',
      'No recent readings (0)',
      'Band not worn (0)',
    ]);
    expect(await page.getByTestId('ward-shown').textContent()).toBe('3 of 6');

    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length === 3, {
      timeout: 10_000,
    });
    expect(await page.getByTestId('ward-zone').inputValue()).toBe('west');

    await page.getByTestId('ward-zone').selectOption('all');
    await page.locator('[data-testid="ward-states"] button[data-state="stale"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length === 1);
    expect(await tileIds()).toEqual(['res-cal']);
    await page.locator('[data-testid="ward-states"] button[data-state="all"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length === 6);
  });

  it('brings a resident with a new high alert to the top at once, medium after it', async () => {
    const zoe = await connect('res-zoe');
    const eve = await connect('res-eve');
    // A medium alert (the wearable reports going offline) does not re-sort before the settle time...
    await eve.client.publishAsync(`care/${FACILITY}/devices/${eve.id}/status`, JSON.stringify({ state: 'offline' }), {
      qos: 1,
      retain: true,
    });
    await page.locator('[data-resident-id="res-eve"][data-alert="medium"]').waitFor({ timeout: 5_000 });
    // ...but an SOS does, within seconds.
    await zoe.client.publishAsync(
      `care/${FACILITY}/devices/${zoe.id}/events`,
      JSON.stringify({ ts: Date.now(), type: 'sos' }),
      { qos: 1 },
    );
    await page.waitForFunction(
      () => document.querySelector('[data-testid="ward-grid"] > li')?.getAttribute('data-resident-id') === 'res-zoe',
      undefined,
      { timeout: 5_000 },
    );
    const ids = await tileIds();
    expect(ids.slice(0, 3)).toEqual(['res-zoe', 'res-eve', 'res-cal']);
    const top = page.locator('[data-resident-id="res-zoe"]');
    expect(await top.getAttribute('class')).toContain('tile--alert-high');
    expect(await top.getByTestId('resident-alert-badge').textContent()).toMatch(/^Urgent: /);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'ward-grid-sos.png') });

    await page.locator('[data-testid="ward-states"] button[data-state="alerting"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length < 6);
    // Zoe and Eve; Cal too if the platform has meanwhile raised "no data" for the stale wearable.
    const alerting = await tileIds();
    expect(alerting.slice(0, 2)).toEqual(['res-zoe', 'res-eve']);
    expect(alerting.every((id) => id === 'res-zoe' || id === 'res-eve' || id === 'res-cal')).toBe(true);
  });

  it('speaks Chinese when asked, search included', async () => {
    const zh = await browser!.newContext({ viewport: { width: 800, height: 1000 }, locale: 'zh-CN' });
    const p = await zh.newPage();
    await signInOnPage(p, base, CAREGIVER);
    await p.getByTestId('ward-grid').waitFor({ timeout: 5_000 });
    await p.getByTestId('ward-search').fill('２２号');
    await p.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length === 1, {
      timeout: 5_000,
    });
    expect(await p.locator('[data-resident-id="res-eve"] .tile__room').textContent()).toBe('22 号房 · West wing');
    // A tablet in portrait: two or three tiles to a row.
    await p.getByTestId('ward-search').fill('');
    await p.waitForFunction(() => document.querySelectorAll('[data-testid="ward-grid"] > li').length === 6);
    const tops = await p
      .locator('[data-testid="ward-grid"] > li')
      .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    const perRow = tops.filter((t) => t === tops[0]).length;
    expect(perRow).toBeGreaterThanOrEqual(2);
    expect(perRow).toBeLessThanOrEqual(3);
    await p.locator('section.ward').screenshot({ path: join(SCREENSHOT_DIR, 'ward-grid-zh-tablet.png') });
    await zh.close();
  });
});
