import { join } from 'node:path';
import { VITAL_KEYS } from '@vigil/contracts';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOT_DIR, skipBrowserTests } from './browser.ts';
import { type BoardPlatform, openPage, signInOnPage, startBoardPlatform, waitForConsult } from './platform.ts';

/**
 * The doctor's path end to end (issue 14 item 3), in Chromium against the whole platform in this
 * process: five hours of a wearable's history (with a 40-minute silence) and then an SpO2 of 79 %
 * arrive over MQTT; the platform raises a `high` alert and asks the medical team; the doctor sees
 * the consult with its context, the health summary and a chart of every vital over 1, 6 and 24 h,
 * takes it, finishes it with a note, and finds the note again after reloading the page. The wearable
 * counts steps, a short walk every 10 minutes: the readings in between are resting ones, and over the
 * five hours the rules learn the resident's usual resting pulse (issue 15), which the summary states
 * and the heart-rate chart draws as its own limit line.
 */
const FACILITY = 'fac-consult';
const RESIDENT = 'res-grace';
const DOCTOR = { username: 'drli', password: 'drli-pass-1234', name: 'Dr Li Wei' };
const NOTE = 'Listened to the chest by video: clear. Oxygen 2 L, recheck in 1 h.';
const MIN = 60_000;

describe.skipIf(skipBrowserTests)('consult view (Chromium)', () => {
  let platform: BoardPlatform | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base: string;
  let device$: MqttClient | undefined;

  beforeAll(async () => {
    platform = await startBoardPlatform();
    base = platform.base;
    const home = await platform.provisionHome({
      facility: { id: FACILITY, name: 'Garden Court', zones: [{ id: 'west', name: 'West wing' }] },
      resident: { id: RESIDENT, name: 'Grace Hopper', zoneId: 'west', roomId: '7' },
      users: [{ ...DOCTOR, role: 'medical' }],
    });
    const device = home.device;
    device$ = home.wearable;
    // Consults are offered to medical staff on duty (else they go to a manager).
    const docToken = (await platform.goOnDuty(DOCTOR)).token;
    const topic = `care/${FACILITY}/devices/${device.id}/vitals`;
    // Five hours of calm readings every 2 min (blood pressure and temperature every hour), silent
    // from 3 h to 2 h 20 min ago: the charts must break there, not draw across it. Steps rise every
    // 10 min: the readings 6 and 8 min after each walk are at rest (no steps for 5 min, clinical
    // rules "Personal baseline"), well past the baseline's 2 h warm-up by the end.
    const now = Date.now();
    const samples = [];
    let seq = 1;
    for (let ago = 300; ago >= 2; ago -= 2) {
      if (ago < 180 && ago > 140) continue;
      const hourly = ago % 60 === 0;
      samples.push({
        ts: now - ago * MIN,
        seq: seq++,
        hr: 72 + (ago % 7),
        spo2: 97,
        rr: 15,
        steps: 1000 + 50 * Math.floor((300 - ago) / 10),
        ...(hourly && { sbp: 126, dbp: 79, temp: 36.8 }),
      });
    }
    await device$.publishAsync(topic, JSON.stringify({ samples }), { qos: 1 });
    // Then SpO2 79 %: past the critical limit, a `high` alert at once, which asks the medical team.
    await device$.publishAsync(
      topic,
      JSON.stringify({ samples: [{ ts: Date.now(), seq, hr: 96, spo2: 79, rr: 16 }] }),
      {
        qos: 1,
      },
    );
    // Wait until the platform has made the consult, so the board's first load has it.
    await waitForConsult(base, docToken, RESIDENT);

    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1366, height: 900 }, locale: 'en' });
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('shows the consult with its context, summary and a chart of every vital over 1, 6 and 24 h', async () => {
    await signInOnPage(page, base, DOCTOR);

    const item = page.locator('[data-testid="consult-item"][data-state="assigned"]').first();
    await item.waitFor({ timeout: 15_000 });
    const itemText = await item.textContent();
    expect(itemText).toContain('Grace Hopper');
    expect(itemText).toContain('Room 7');
    expect(itemText).toContain('Urgent');
    await item.click();

    const detail = page.getByTestId('consult-detail');
    await detail.waitFor();
    // Why: the alert and its explanation; the snapshot the task carries, with NEWS2 sub-scores.
    const why = detail.getByTestId('consult-why');
    expect(await why.textContent()).toMatch(/Blood oxygen low: 79%/);
    expect(await why.locator('li').count()).toBeGreaterThan(0);
    await detail.getByTestId('consult-context').waitFor();
    expect(await detail.getByTestId('consult-news2').textContent()).toMatch(/NEWS2 \d+/);

    // The health summary: per vital lowest/average/highest, early warning score, risk.
    const report = detail.getByTestId('consult-report');
    await report.getByTestId('report-risk').waitFor({ timeout: 15_000 });
    expect(await report.locator('[data-testid="report-table"] tr[data-vital="hr"]').count()).toBe(1);
    expect(await report.locator('[data-testid="report-table"] tr[data-vital="sbp"]').count()).toBe(1);
    expect(await report.getByTestId('report-news2').first().textContent()).toMatch(/Risk: /);
    // The usual resting pulse learned from the walks' resting minutes, in words, in use.
    const baseline = report.locator('[data-testid="report-baselines"] li[data-vital="hr"]');
    expect(await baseline.getAttribute('data-state')).toBe('active');
    expect(await baseline.textContent()).toMatch(
      /^Usual resting pulse 7\d bpm \(±[\d.]+\), alerts above 9[\d.]+ bpm · learned from \d+ readings over 4 h \d+ min$/,
    );
    const baselineLimit = await baseline.getAttribute('data-limit');

    // A chart for every vital; 1 h first: heart rate every 2 min, limit lines from the report.
    const charts = detail.getByTestId('consult-charts');
    const chart = (vital: string) => charts.locator(`[data-testid="vital-chart"][data-vital="${vital}"]`);
    await charts.locator('.vcharts[data-hours="1"]').waitFor({ timeout: 15_000 });
    for (const k of VITAL_KEYS) await chart(k).locator('canvas').waitFor();
    expect(Number(await chart('hr').getAttribute('data-readings'))).toBeGreaterThanOrEqual(25);
    expect(await chart('hr').getAttribute('data-gaps')).toBe('0');
    expect((await chart('hr').getAttribute('data-limits'))?.split(' ').length).toBeGreaterThanOrEqual(2);
    expect((await chart('spo2').getAttribute('data-limits'))?.length).toBeGreaterThan(0);
    expect(await chart('dbp').getAttribute('data-limits')).toBe('');
    // The baseline's limit on the heart rate, a line of its own beside the fixed limits; no other chart has one.
    expect(await chart('hr').getAttribute('data-baseline')).toBe(baselineLimit);
    expect(await chart('spo2').getAttribute('data-baseline')).toBe('');
    expect(await charts.textContent()).toContain('Violet short dashes on the heart rate');

    // 6 h: the 40-minute silence is a break in the line; blood pressure's hourly readings are there.
    await charts.getByRole('button', { name: '6 h' }).click();
    await charts.locator('.vcharts[data-hours="6"]').waitFor({ timeout: 15_000 });
    await chart('hr').locator('canvas').waitFor();
    expect(Number(await chart('hr').getAttribute('data-gaps'))).toBe(1);
    expect(Number(await chart('sbp').getAttribute('data-readings'))).toBeGreaterThanOrEqual(4);
    expect(await chart('hr').textContent()).toContain('1 break in the data');

    await charts.getByRole('button', { name: '24 h' }).click();
    await charts.locator('.vcharts[data-hours="24"]').waitFor({ timeout: 15_000 });
    await chart('temp').locator('canvas').waitFor();
    expect(Number(await chart('temp').getAttribute('data-readings'))).toBeGreaterThanOrEqual(4);
    expect(await charts.getByRole('button', { name: '24 h' }).getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'consult-view.png'), fullPage: true });
  });

  it('takes the consult, finishes it with a note, and the note is there after a reload', async () => {
    const detail = page.getByTestId('consult-detail');
    const taskId = await detail.getAttribute('data-task-id');
    await detail.getByTestId('consult-accept').click();
    await page.locator(`[data-testid="consult-detail"][data-state="accepted"]`).waitFor({ timeout: 15_000 });

    // Finishing without a note is refused on the board, in words.
    await detail.getByTestId('consult-complete').click();
    await detail.getByText('Please write a note before finishing.').waitFor();
    await detail.getByTestId('consult-note-input').fill(NOTE);
    await detail.getByTestId('consult-complete').click();
    await page.locator(`[data-testid="consult-detail"][data-state="done"]`).waitFor({ timeout: 15_000 });
    expect(await detail.getByTestId('consult-note').textContent()).toContain(NOTE);
    await page.locator(`[data-testid="consult-finished"] [data-task-id="${taskId}"]`).waitFor();

    await page.reload();
    const finished = page.locator(`[data-testid="consult-finished"] [data-task-id="${taskId}"]`);
    await finished.waitFor({ timeout: 15_000 });
    await finished.click();
    await page.locator(`[data-testid="consult-detail"][data-task-id="${taskId}"]`).waitFor();
    expect(await page.getByTestId('consult-note').textContent()).toContain(NOTE);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'consult-finished.png'), fullPage: true });
  });

  it('speaks Chinese to a browser that asks for it', async () => {
    const zh = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const p = await zh.newPage();
    try {
      await p.goto(`${base}/`);
      await p.fill('#username', DOCTOR.username);
      await p.fill('#password', DOCTOR.password);
      await p.locator('button[type="submit"]').click();
      const finished = p.getByTestId('consult-finished');
      await finished.getByText('今天已完成').waitFor({ timeout: 15_000 });
      await p.getByRole('heading', { name: '会诊请求' }).waitFor();
      await finished.locator('[data-testid="consult-item"]').first().click();
      const charts = p.getByTestId('consult-charts');
      await charts.getByRole('heading', { name: '生命体征' }).waitFor({ timeout: 15_000 });
      await charts.getByRole('button', { name: '6 小时' }).waitFor();
      await p.getByTestId('consult-note').getByText('会诊记录').waitFor();
      await p.getByTestId('consult-report').getByText('健康小结，过去 24 小时').waitFor();
      expect(await p.locator('[data-testid="report-baselines"] li').textContent()).toMatch(/^平时静息心率 7\d 次\/分/);
      await p.screenshot({ path: join(SCREENSHOT_DIR, 'consult-view-zh.png'), fullPage: true });
    } finally {
      await zh.close();
    }
  });
});
