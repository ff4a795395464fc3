/**
 * Measured noise (issue 3): a simulated 24-resident facility for one day, time accelerated and
 * seeded, with realistic artefacts, off-wrist periods and a known set of injected true episodes,
 * judged once with every noise control and once without. Prints a Markdown table; the figures are
 * in docs/clinical-rules.md.
 *
 *   pnpm noise [--seed S] [--residents N] [--sample-s S]
 */
import { parseArgs } from 'node:util';
import { runDay } from './noise/run-day.ts';
import { type Score, score } from './noise/score.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: 'vigil-noise-1' },
    residents: { type: 'string', default: '24' },
    'sample-s': { type: 'string', default: '5' },
  },
});
const residents = Number(values.residents);
const sampleEveryMs = Number(values['sample-s']) * 1000;
if (!Number.isInteger(residents) || residents < 1 || !(sampleEveryMs >= 1000)) {
  console.error('usage: pnpm noise [--seed S] [--residents N ≥ 1] [--sample-s S ≥ 1]');
  process.exit(2);
}
// 2026-03-03 00:00 in Asia/Shanghai, the facility's time zone.
const dayStartMs = Date.parse('2026-03-02T16:00:00Z');
const common = { seed: values.seed, residents, dayStartMs, sampleEveryMs, artefactProbability: 0.004 };

const results: [string, Score, number][] = [];
for (const noiseControls of [true, false]) {
  const run = await runDay({ ...common, noiseControls });
  results.push([noiseControls ? 'with noise controls' : 'without noise controls', score(run, residents), run.wallMs]);
  console.error(`${noiseControls ? 'with' : 'without'}: ${run.samples} samples in ${(run.wallMs / 1000).toFixed(1)} s`);
}

const row = (label: string, f: (s: Score) => string | number) =>
  `| ${label} | ${results.map(([, s]) => f(s)).join(' | ')} |`;
console.log(`Seed ${values.seed}, ${residents} residents, one sample every ${sampleEveryMs / 1000} s for 24 h.\n`);
console.log(`| | ${results.map(([l]) => l).join(' | ')} |`);
console.log(`|---|${results.map(() => '---').join('|')}|`);
console.log(row('true episodes caught', (s) => `${s.caught} / ${s.episodes}`));
console.log(row('missed', (s) => s.missed.join(', ') || 'none'));
console.log(row('time to alert from episode start, median (min)', (s) => s.timeToAlertMin.median));
console.log(row('time to alert, p90 / max (min)', (s) => `${s.timeToAlertMin.p90} / ${s.timeToAlertMin.max}`));
const types = [...new Set(results.flatMap(([, s]) => Object.keys(s.delayByType)))].sort();
for (const t of types)
  console.log(row(`time to alert, ${t.replaceAll('_', ' ')} (median min)`, (s) => s.delayByType[t] ?? '—'));
console.log(row('alerts per resident-day, all', (s) => s.perResidentDay.all));
console.log(row('clinical alerts per resident-day', (s) => s.perResidentDay.clinical));
console.log(row('false clinical alerts per resident-day', (s) => s.perResidentDay.falseClinical));
console.log(row('technical alerts per resident-day', (s) => s.perResidentDay.technical));
console.log(row('share of clinical alerts that were false', (s) => `${s.falseAlarmShare} %`));
console.log(row('alert.updated events (board traffic)', (s) => s.updates));
const kinds = [...new Set(results.flatMap(([, s]) => Object.keys(s.byKind)))].sort();
for (const k of kinds)
  console.log(row(`\`${k}\` raised (of which false)`, (s) => `${s.byKind[k] ?? 0} (${s.falseByKind[k] ?? 0})`));
