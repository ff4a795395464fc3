#!/usr/bin/env node
// Runs every test tier (unit, integration, e2e) and ends with the plain line CI reads:
// `N passed, N failed` (vitest's own summary is not recognised by CI).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: false });

// The browser test drives the built board, so build it first.
const build = run(process.execPath, [fileURLToPath(new URL('./build-board.mjs', import.meta.url))]);
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const out = join(mkdtempSync(join(tmpdir(), 'vigil-test-')), 'results.json');
const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...process.argv.slice(2),
];
// vitest's own entry, run through node: no dependence on npx or pnpm being on PATH.
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const res = run(process.execPath, [vitest, ...args.slice(1)]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(out)) {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed = (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A suite that fails to load (import error, failing beforeAll) has no failed tests but must still count.
  for (const suite of r.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).every((a) => a.status !== 'failed')) failed += 1;
  }
} else if (res.status !== 0) {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || res.status !== 0 ? 1 : 0);
