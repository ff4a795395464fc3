/**
 * Measured noise (issue 3; reworked to find gaps, not confirm them): a simulated facility for one
 * day, time accelerated and seeded, with artefacts, off-wrist periods, sparse wristbands, cuff spot
 * readings and injected true episodes of six classes (sustained, short, borderline, sparse,
 * interrupted, critical) drawn from clinical distributions, never from the rules' limits (see
 * noise/templates.ts). Judged once with every noise control and once without. Prints Markdown; the
 * figures are in docs/clinical-rules.md.
 *
 *   pnpm noise [--seed S] [--residents N] [--sparse N] [--sample-s S]
 */
import { parseArgs } from 'node:util';
import { report } from './noise/report.ts';
import { runDay } from './noise/run-day.ts';
import { type Score, score } from './noise/score.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: 'vigil-noise-1' },
    residents: { type: 'string', default: '24' },
    sparse: { type: 'string', default: '3' },
    'sample-s': { type: 'string', default: '5' },
  },
});
const residents = Number(values.residents);
const sparse = Number(values.sparse);
const sampleEveryMs = Number(values['sample-s']) * 1000;
if (
  !Number.isInteger(residents) ||
  residents < 1 ||
  !Number.isInteger(sparse) ||
  sparse < 0 ||
  !(sampleEveryMs >= 1000)
) {
  console.error('usage: pnpm noise [--seed S] [--residents N ≥ 1] [--sparse N ≥ 0] [--sample-s S ≥ 1]');
  process.exit(2);
}
// 2026-03-03 00:00 in Asia/Shanghai, the facility's time zone.
const dayStartMs = Date.parse('2026-03-02T16:00:00Z');
const common = { seed: values.seed, residents, sparse, dayStartMs, sampleEveryMs, artefactProbability: 0.004 };

const runs: [string, Score][] = [];
let planned = '';
for (const noiseControls of [true, false]) {
  const run = await runDay({ ...common, noiseControls });
  runs.push([noiseControls ? 'with noise controls' : 'without noise controls', score(run, residents)]);
  console.error(`${noiseControls ? 'with' : 'without'}: ${run.samples} samples in ${(run.wallMs / 1000).toFixed(1)} s`);
  const { episodes, unplaced } = run.plan;
  planned = `${episodes.length} episodes${unplaced.length ? ` (no room for: ${unplaced.join(', ')})` : ''}`;
}

console.log(
  `Seed ${values.seed}, ${residents} residents for 24 h: ${residents - Math.min(sparse, residents)} wristbands ` +
    `sending every ${sampleEveryMs / 1000} s, ${Math.min(sparse, residents)} every 3–5 min; a cuff reading each ` +
    `at 07:00, 12:00 and 18:00 (± 20 min) and on spot checks; ${planned}.\n`,
);
console.log(report(runs));
