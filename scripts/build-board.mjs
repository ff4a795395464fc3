#!/usr/bin/env node
// Builds the web board (dashboards/board → dashboards/board/dist) that the gateway serves.
// Vite is a dependency of the board package only, so it is run from there; calling its bin through
// node avoids depending on `pnpm` or `npx` being on PATH (they are not, under `npx pnpm@10 start`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const boardDir = fileURLToPath(new URL('../dashboards/board/', import.meta.url));
const viteBin = fileURLToPath(new URL('../dashboards/board/node_modules/vite/bin/vite.js', import.meta.url));
const res = spawnSync(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { cwd: boardDir, stdio: 'inherit' });
if (res.status !== 0) {
  console.error('Building the board failed (dashboards/board). Did `npx pnpm@10 install` run?');
  process.exit(res.status ?? 1);
}
