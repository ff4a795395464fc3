#!/usr/bin/env tsx
/**
 * `pnpm bench`: the capacity benchmark an operator runs (issue 12; STYLE.md §16). A fleet of wearables
 * in separate processes (fleet.ts) drives each target in turn, in one run, each target its own OS
 * processes: (a) a bare aedes broker, the floor; (b) the platform as shipped, one process with the
 * embedded broker; (c) Redis + Mosquitto with engine processes and a gateway. Prints a markdown table
 * and writes the JSON report. Absolute figures on a shared machine are noisy; read the ratios, which
 * come from one run. See docs/performance.md.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags, USAGE } from './flags.ts';
import { describeMachine } from './machine.ts';
import { measureTarget } from './measure.ts';
import { type BenchReport, renderMarkdown } from './report.ts';
import { computeResult } from './results.ts';
import { startTarget, type Target } from './targets/targets.ts';

const argv = process.argv.slice(2);
const parsed = parseFlags(argv);
if (!parsed.ok) {
  for (const p of parsed.problems) console.error(p);
  console.error(USAGE);
  process.exit(parsed.problems.length ? 2 : 0);
}
const o = parsed.options;

const report: BenchReport = {
  command: ['pnpm bench', ...argv].join(' '),
  startedAt: new Date().toISOString(),
  machine: describeMachine(),
  options: o,
  results: [],
  failures: [],
};

// Stop what was started on Ctrl-C too: the targets are real processes, not this one's threads.
let current: Target | undefined;
process.once('SIGINT', () => {
  console.error('[bench] interrupted: stopping the target');
  void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
});

// The bare broker runs first so every later row has its ratio, whatever order the flag gave.
const order = [...o.targets].sort((a, b) => Number(b === 'bare') - Number(a === 'bare'));
let bareUsPerMessage: number | null = null;
for (const name of order) {
  try {
    console.error(`[bench] ${name}: starting`);
    current = await startTarget(name, { engines: o.engines });
    try {
      const result = computeResult(await measureTarget(current, o), bareUsPerMessage);
      if (name === 'bare') bareUsPerMessage = result.cpu.usPerMessage;
      report.results.push(result);
    } finally {
      await current.stop();
      current = undefined;
    }
  } catch (err) {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.error(`[bench] ${name} failed: ${message}`);
    report.failures.push({ target: name, message });
  }
}

const jsonPath = o.json ?? join(mkdtempSync(join(tmpdir(), 'vigil-bench-')), 'report.json');
writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
console.log(renderMarkdown(report));
console.log(`JSON report: ${jsonPath}`);
process.exit(report.failures.length ? 1 : 0);
