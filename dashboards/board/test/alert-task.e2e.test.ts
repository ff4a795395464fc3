import { join } from 'node:path';
import type { Alert } from '@vigil/contracts';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, rest, SCREENSHOT_DIR, skipBrowserTests } from './browser.ts';
import { type BoardPlatform, type DeviceSecret, openPage, signInOnPage, startBoardPlatform } from './platform.ts';

/**
 * Issue 14 "Alert ↔ task" in a real browser against the whole platform: a caregiver completes the
 * on-site task of a real SOS, says how it went, and the alert leaves the open list in the same step;
 * a maintenance user sees a real water leak (and no resident, and no error about residents),
 * acknowledges and resolves it.
 */
const FACILITY = 'fac-at';
const CAREGIVER = { username: 'cara', password: 'cara-pass-123', name: 'Cara Carer' };
const FIXER = { username: 'max', password: 'max-pass-1234', name: 'Max Fixer' };

async function openBoard(browser: Browser, base: string, who: typeof CAREGIVER, locale: 'en' | 'zh-CN' = 'en') {
  const page = await openPage(browser, { viewport: { width: 1280, height: 800 }, locale });
  // The sign-in page speaks the browser's language.
  await signInOnPage(page, base, who);
  await page.getByText(who.name).waitFor({ timeout: 5_000 });
  if (locale === 'en') await page.getByText('Live', { exact: true }).waitFor({ timeout: 5_000 });
  return { context: page.context(), page };
}

describe.skipIf(skipBrowserTests)('alert ↔ task on the board (Chromium)', () => {
  let platform: BoardPlatform | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let base: string;
  let admin: string;
  let wearable: DeviceSecret;
  let sensor: DeviceSecret;

  const connect = (d: DeviceSecret) => platform!.connectDevice(d);

  beforeAll(async () => {
    platform = await startBoardPlatform();
    base = platform.base;
    admin = platform.admin;
    await platform.addFacility({ id: FACILITY, name: 'Lakeside House', zones: [{ id: 'north', name: 'North wing' }] });
    for (const [who, role] of [
      [CAREGIVER, 'caregiver'],
      [FIXER, 'maintenance'],
    ] as const) {
      await platform.addUser({ ...who, role, facilityIds: [FACILITY] });
      // Tasks go only to staff on duty.
      await platform.goOnDuty(who);
    }
    await platform.addResident({ id: 'res-bo', facilityId: FACILITY, name: 'Bo Wen', zoneId: 'north', roomId: '7' });
    wearable = await platform.addDevice({ facilityId: FACILITY, kind: 'wearable', residentId: 'res-bo' });
    sensor = await platform.addDevice({ facilityId: FACILITY, kind: 'sensor', zoneId: 'north', roomId: 'laundry' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await platform?.stop();
  });

  it("completes the SOS's on-site task with an outcome, and the alert leaves the open list", async () => {
    const { context, page } = await openBoard(browser!, base, CAREGIVER);
    contexts.push(context);
    const device = await connect(wearable);
    await device.publishAsync(
      `care/${FACILITY}/devices/${wearable.id}/events`,
      JSON.stringify({ ts: Date.now(), type: 'sos' }),
      { qos: 1 },
    );

    const alertCard = page.locator('[role="article"][data-alert-id][data-priority="high"]');
    await alertCard.waitFor({ timeout: 5_000 });
    const alertId = await alertCard.getAttribute('data-alert-id');
    const tasksPanel = page.getByRole('region', { name: 'My tasks' });
    const taskCard = tasksPanel.locator('[data-task-id][data-kind="onsite_check"]');
    await taskCard.waitFor({ timeout: 5_000 });
    const taskId = await taskCard.getAttribute('data-task-id');

    // Each shows the other: the alert its task and who has it, the task its alert and how urgent.
    const alertTask = alertCard.locator(`[data-testid="alert-tasks"] [data-task-id="${taskId}"]`);
    await alertTask.waitFor({ timeout: 5_000 });
    expect(await alertTask.textContent()).toBe('Visit: Waiting for your answer');
    expect(await taskCard.getByTestId('task-alert-priority').textContent()).toBe(' (urgent)');

    await taskCard.getByRole('button', { name: 'Accept' }).click();
    await alertCard.locator(`[data-task-id="${taskId}"][data-task-state="accepted"]`).waitFor({ timeout: 5_000 });
    expect(await alertTask.textContent()).toBe('Visit: You are on your way');

    await taskCard.getByRole('button', { name: 'Complete' }).click();
    const chooser = taskCard.getByRole('group', { name: 'How did it go?' });
    await chooser.waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'board-task-outcome.png'), fullPage: true });
    await chooser.getByRole('button', { name: 'Helped, all fine now' }).click();

    await tasksPanel.locator(`[data-task-id="${taskId}"][data-state="done"]`).waitFor({ timeout: 5_000 });
    expect(await taskCard.getByTestId('task-alert-result').textContent()).toBe('The alert is closed.');
    await page.locator(`[role="article"][data-alert-id="${alertId}"]`).waitFor({ state: 'detached', timeout: 5_000 });
    await page.locator(`[data-resolved-alert-id="${alertId}"]`).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'board-task-alert-closed.png'), fullPage: true });

    const alert = await rest<Alert>(base, 'GET', `/api/alerts/${alertId}`, admin);
    expect(alert).toMatchObject({ state: 'resolved', outcome: 'handled' });
  });

  it('asks how it went in Chinese for a Chinese browser', async () => {
    const { context, page } = await openBoard(browser!, base, CAREGIVER, 'zh-CN');
    contexts.push(context);
    const device = await connect(wearable);
    await device.publishAsync(
      `care/${FACILITY}/devices/${wearable.id}/events`,
      JSON.stringify({ ts: Date.now(), type: 'sos' }),
      { qos: 1 },
    );
    const taskCard = page.locator('[data-task-id][data-kind="onsite_check"]:not([data-state="done"])');
    await taskCard.waitFor({ timeout: 5_000 });
    const taskId = await taskCard.getAttribute('data-task-id');
    const card = page.locator(`[data-task-id="${taskId}"]`).first();
    await card.locator('[data-step="accept"]').click();
    await page.locator(`article[data-task-id="${taskId}"][data-state="accepted"]`).waitFor({ timeout: 5_000 });
    const alertTask = page.locator(`[data-testid="alert-tasks"] [data-task-id="${taskId}"]`);
    expect(await alertTask.textContent()).toBe('上门查看：您正在赶去');

    await card.locator('[data-step="complete"]').click();
    const chooser = card.getByTestId('complete-chooser');
    await chooser.waitFor({ timeout: 5_000 });
    expect(await chooser.locator('legend').textContent()).toBe('情况如何？');
    expect(await chooser.locator('[data-outcome="false_alarm"]').textContent()).toBe('误报，不需要帮助');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'board-task-outcome-zh.png'), fullPage: true });
    await chooser.locator('[data-outcome="false_alarm"]').click();
    await page.locator(`article[data-task-id="${taskId}"][data-state="done"]`).waitFor({ timeout: 5_000 });
    expect(await card.getByTestId('task-alert-result').textContent()).toBe('警报已关闭。');
    await context.close();
  });

  it('lets maintenance see, acknowledge and resolve a water leak, with no resident and no error', async () => {
    // A resident's SOS too: not for maintenance's board.
    const device = await connect(wearable);
    await device.publishAsync(
      `care/${FACILITY}/devices/${wearable.id}/events`,
      JSON.stringify({ ts: Date.now(), type: 'sos' }),
      { qos: 1 },
    );
    const room = await connect(sensor);
    await room.publishAsync(
      `care/${FACILITY}/devices/${sensor.id}/telemetry`,
      JSON.stringify({ ts: Date.now(), waterLeak: true }),
      { qos: 1 },
    );

    const { context, page } = await openBoard(browser!, base, FIXER);
    contexts.push(context);
    const card = page.locator('[role="article"][data-alert-id]');
    await card.first().waitFor({ timeout: 5_000 });
    expect(await card.count()).toBe(1);
    expect(await card.locator('.card__title').textContent()).toContain('Water leak');
    // Its repair task, on its way to the maintenance user on duty.
    await card.locator('[data-testid="alert-tasks"]').waitFor({ timeout: 5_000 });
    expect(await card.getByTestId('alert-tasks').textContent()).toContain('Repair:');

    // No resident tiles, and no error about residents.
    expect(await page.locator('[data-resident-id]').count()).toBe(0);
    expect(await page.getByText(/could not load/i).count()).toBe(0);
    expect(await page.locator('.notice--error').count()).toBe(0);
    await page.getByTestId('facility-note').waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'board-maintenance.png'), fullPage: true });

    const alertId = await card.getAttribute('data-alert-id');
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator(`[data-alert-id="${alertId}"][data-state="acknowledged"]`).waitFor({ timeout: 5_000 });
    await card.getByRole('button', { name: 'Resolve' }).click();
    await card.getByRole('button', { name: 'Handled' }).click();
    await page.locator(`[role="article"][data-alert-id="${alertId}"]`).waitFor({ state: 'detached', timeout: 5_000 });
    expect(await page.locator('.card__error').count()).toBe(0);

    const alert = await rest<Alert>(base, 'GET', `/api/alerts/${alertId}`, admin);
    expect(alert).toMatchObject({ kind: 'facility.water_leak', state: 'resolved', outcome: 'handled' });
  });
});
