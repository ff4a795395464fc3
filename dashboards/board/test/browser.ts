import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

/**
 * What every board browser test shares: Debian's Chromium (this machine and CI cannot download a
 * browser), the built board, where screenshots go, and REST calls that fail loudly.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const INSTALL_HINT = `no browser at ${CHROMIUM}: install Debian's chromium: apt-get install -y chromium`;
export const haveChromium = existsSync(CHROMIUM);
/** Skipped (with a warning) without Chromium on a workstation; in CI a missing browser fails the suite. */
export const skipBrowserTests = !haveChromium && !process.env.CI;
if (skipBrowserTests) console.warn(`board e2e skipped: ${INSTALL_HINT}`);

export const BOARD_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BOARD_DIST = join(BOARD_ROOT, 'dist');
export const SCREENSHOT_DIR = join(tmpdir(), 'vigil-board-e2e');

/**
 * `pnpm test:e2e` builds first; this builds only when dist is missing, so a bare `vitest run` works
 * without rebuilding under another test that may be serving it. Also makes the screenshot folder.
 */
export async function prepareBoard(): Promise<void> {
  if (!haveChromium) throw new Error(INSTALL_HINT);
  if (!existsSync(join(BOARD_DIST, 'index.html'))) {
    const { build } = await import('vite');
    await build({ root: BOARD_ROOT, configFile: join(BOARD_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  }
  await mkdir(SCREENSHOT_DIR, { recursive: true });
}

/** Headless Chromium with the flags this machine needs, plus a test's own. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** Fails fast on a non-2xx so provisioning problems read as such, not as a missing card later. */
export async function rest<T>(base: string, method: string, path: string, token?: string, body?: unknown): Promise<T> {
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
