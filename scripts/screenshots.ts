/**
 * `pnpm screenshots`: the product as a newcomer sees it, one picture per role and language.
 *
 * Starts the whole platform in this process with the demo facility and the resident simulator (as
 * `pnpm start` does, on free ports), raises a few alerts at once (an SOS, a fall, a water leak) so the
 * boards are not waiting for the simulator's first episodes, then signs in as one demo account of each
 * role in Chinese and in English and writes docs/screenshots/<role>-<lang>.png.
 *
 * Generic over roles: every role with a demo account is photographed, so a new board appears here
 * without touching this file. `--roles caregiver,manager` and `--langs zh-CN` narrow it down.
 * Needs Debian's Chromium and fonts-noto-cjk (Chinese renders as empty boxes without it).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LoginResponse, Role } from '../packages/contracts/src/index.ts';
import mqtt from 'mqtt';
import { chromium } from 'playwright-core';
import { createApp } from '../services/vigil/src/app.ts';
import type { DemoAccount } from '../services/vigil/src/demo.ts';
import { DEMO_FACILITY_ID } from '../services/vigil/src/demo.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'docs', 'screenshots');
const BOARD_DIST = join(ROOT, 'dashboards', 'board', 'dist');
const CHROMIUM = '/usr/bin/chromium';
const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const LANGS = ['zh-CN', 'en'] as const;
/** Long enough for the simulator's vitals to fill the tiles and NEWS2 to be scored. */
const WARM_UP_MS = 20_000;
/** After sign-in: REST snapshot, socket, first live vitals. */
const SETTLE_MS = 4_000;

const { values: args } = parseArgs({
  options: { roles: { type: 'string' }, langs: { type: 'string' } },
});

function fail(message: string): never {
  console.error(`screenshots: ${message}`);
  process.exit(1);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rest<T>(base: string, method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** One account per role: the one that sees the whole facility (no zone limit) when there is a choice. */
function onePerRole(accounts: readonly DemoAccount[]): Map<Role, DemoAccount> {
  const byRole = new Map<Role, DemoAccount>();
  for (const a of [...accounts].sort((x, y) => Number(!!x.zoneIds) - Number(!!y.zoneIds))) {
    if (!byRole.has(a.role)) byRole.set(a.role, a);
  }
  return byRole;
}

/** Raises an SOS, a fall and a water leak now, from devices of its own (the demo's are the simulator's). */
async function raiseAlerts(base: string, mqttPort: number, admin: DemoAccount): Promise<void> {
  const { token } = await rest<LoginResponse>(base, 'POST', '/api/auth/login', undefined, {
    username: admin.username,
    password: admin.password,
  });
  const connect = async (body: Record<string, unknown>) => {
    const d = await rest<{ id: string; secret: string }>(base, 'POST', '/api/devices', token, {
      facilityId: DEMO_FACILITY_ID,
      ...body,
    });
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      username: d.id,
      password: d.secret,
      clientId: d.id,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    return { id: d.id, client };
  };
  const people = [
    { id: 'res-shot-1', name: 'Zhang Guiying', zoneId: 'east', roomId: '101', event: 'sos' },
    { id: 'res-shot-2', name: 'Li Jianguo', zoneId: 'west', roomId: '204', event: 'fall' },
    // Blood oxygen past the danger limit: a high alert that asks the medical team for a consult.
    { id: 'res-shot-3', name: 'Wang Xiulan', zoneId: 'villas', roomId: '105', spo2: 79 },
  ];
  const clients: mqtt.MqttClient[] = [];
  for (const p of people) {
    await rest(base, 'POST', '/api/residents', token, {
      id: p.id,
      facilityId: DEMO_FACILITY_ID,
      name: p.name,
      zoneId: p.zoneId,
      roomId: p.roomId,
      carePlan: { onOxygen: false },
    });
    const w = await connect({ kind: 'wearable', residentId: p.id });
    clients.push(w.client);
    await w.client.publishAsync(
      `care/${DEMO_FACILITY_ID}/devices/${w.id}/vitals`,
      JSON.stringify({
        ts: Date.now(),
        seq: 1,
        hr: 104,
        spo2: p.spo2 ?? 95,
        rr: 21,
        sbp: 142,
        dbp: 86,
        temp: 37.1,
        worn: true,
      }),
      { qos: 1 },
    );
    if (p.event) {
      await w.client.publishAsync(
        `care/${DEMO_FACILITY_ID}/devices/${w.id}/events`,
        JSON.stringify({ ts: Date.now(), type: p.event }),
        { qos: 1 },
      );
    }
  }
  const sensor = await connect({ kind: 'sensor', zoneId: 'west', roomId: 'laundry' });
  clients.push(sensor.client);
  await sensor.client.publishAsync(
    `care/${DEMO_FACILITY_ID}/devices/${sensor.id}/telemetry`,
    JSON.stringify({ ts: Date.now(), waterLeak: true }),
    { qos: 1 },
  );
  // The devices stay connected: a disconnect would raise "wearable offline" on top.
  process.once('exit', () => {
    for (const c of clients) c.end(true);
  });
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) fail(`no browser at ${CHROMIUM}: apt-get install -y chromium`);
  if (!existsSync(CJK_FONT)) fail(`no Chinese font (${CJK_FONT}): apt-get install -y fonts-noto-cjk`);
  if (!existsSync(join(BOARD_DIST, 'index.html'))) fail('no built board: run node scripts/build-board.mjs');
  await mkdir(OUT, { recursive: true });

  const app = await createApp({
    httpPort: 0,
    mqttPort: 0,
    host: '127.0.0.1',
    demo: true,
    simulator: true,
    boardDir: BOARD_DIST,
    logLevel: 'warn',
    sim: { count: 12, rateHz: 1, seed: 42, scenario: 'mixed' },
  });
  const { httpPort, mqttPort, demoAccounts } = await app.start();
  const base = `http://127.0.0.1:${httpPort}`;
  const accounts = onePerRole(demoAccounts);
  const wanted = args.roles ? new Set(args.roles.split(',')) : undefined;
  const langs = args.langs ? LANGS.filter((l) => args.langs?.split(',').includes(l)) : LANGS;
  const admin = accounts.get('admin') ?? fail('the demo has no admin account');
  await raiseAlerts(base, mqttPort, admin);
  console.log(`screenshots: platform on ${base}; waiting ${WARM_UP_MS / 1000} s for live vitals…`);
  await sleep(WARM_UP_MS);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    // The doctor first: a high alert nobody acknowledges escalates after its limit (a minute), and the
    // consult it asked for moves on with it; photographed later, the doctor's queue would be empty.
    const ordered = [...accounts].sort(([a], [b]) => Number(b === 'medical') - Number(a === 'medical'));
    for (const [role, account] of ordered) {
      if (wanted && !wanted.has(role)) continue;
      for (const lang of langs) {
        // A browser set to the language: the board picks it from navigator.languages.
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang });
        const page = await context.newPage();
        await page.goto(`${base}/`);
        await page.fill('#username', account.username);
        await page.fill('#password', account.password);
        await page.click('button[type="submit"]');
        await page.waitForSelector('header', { timeout: 10_000 });
        await sleep(SETTLE_MS);
        // The medical team's board opens on its queue: show a consult as a doctor would see it.
        // (The consult may have gone to another doctor on duty: then the queue is shown as it is.)
        if (role === 'medical') {
          const opened = await page
            .locator('[data-testid="consult-item"]')
            .first()
            .click({ timeout: 10_000 })
            .then(() => true)
            .catch(() => false);
          if (opened) await sleep(SETTLE_MS);
          else console.warn("screenshots: no consult in this doctor's queue; the queue is shown as it is");
        }
        const file = join(OUT, `${role}-${lang}.png`);
        await page.screenshot({ path: file });
        console.log(`screenshots: ${role} (${account.username}) ${lang} → ${file}`);
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await app.stop();
  }
  process.exit(0);
}

main().catch((err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
