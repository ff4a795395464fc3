import { CRITICAL_DELAY_S, type Score } from './score.ts';

/** A Markdown table with one column per run (with and without noise controls). */
function table(runs: [string, Score][], rows: [string, (s: Score) => string | number][]): string {
  const lines = [`| | ${runs.map(([l]) => l).join(' | ')} |`, `|---|${runs.map(() => '---').join('|')}|`];
  for (const [label, f] of rows) lines.push(`| ${label} | ${runs.map(([, s]) => f(s)).join(' | ')} |`);
  return lines.join('\n');
}

const yes = (met: boolean) => (met ? 'yes' : 'no');
const list = (xs: string[]) => (xs.length ? xs.join('; ') : 'none');

/** Targets first (issue: an honest noise benchmark), then per class, then the alert load. */
export function report(runs: [string, Score][]): string {
  const classRows = (runs[0]?.[1].classes ?? []).flatMap((c, i): [string, (s: Score) => string | number][] => {
    const of = (s: Score) => s.classes[i] ?? c;
    const rows: [string, (s: Score) => string | number][] = [
      [`**${c.cls}**: caught`, (s) => `${of(s).caught} / ${of(s).episodes}`],
      [
        `${c.cls}: time to alert, median / p90 / max (${c.unit === 's' ? 's of device time from the first critical reading' : 'min from the start'})`,
        (s) => `${of(s).delay.median} / ${of(s).delay.p90} / ${of(s).delay.max}`,
      ],
      [`${c.cls}: missed`, (s) => list(of(s).missed)],
    ];
    if (runs.some(([, s]) => of(s).notes.length)) rows.push([`${c.cls}: notes`, (s) => list(of(s).notes)]);
    return rows;
  });
  const kinds = [...new Set(runs.flatMap(([, s]) => Object.keys(s.byKind)))].sort();
  return [
    '### Targets\n',
    table(runs, [
      [
        `every critical episode alerted (\`high\`) within ${CRITICAL_DELAY_S} s of device time`,
        ({ targets: { critical: t } }) =>
          `${yes(t.met)}: ${t.missed} of ${t.of} missed, ${t.late} late; worst caught ${t.worstS} s`,
      ],
      [
        'every sustained (≥ 5 min) borderline and sparse episode caught',
        ({ targets: { sustained: t } }) => `${yes(t.met)}: ${t.missed} of ${t.of} missed`,
      ],
      [
        'false clinical alerts per resident-day, no more than published',
        ({ targets: { falseClinical: t } }) => `${yes(t.met)}: ${t.perResidentDay} (published ${t.published})`,
      ],
    ]),
    '\n### Episodes by class\n',
    table(runs, classRows),
    '\n### Alert load\n',
    table(runs, [
      ['alerts per resident-day, all', (s) => s.perResidentDay.all],
      ['clinical alerts per resident-day', (s) => s.perResidentDay.clinical],
      ['false clinical alerts per resident-day', (s) => s.perResidentDay.falseClinical],
      ['technical alerts per resident-day', (s) => s.perResidentDay.technical],
      ['share of clinical alerts that were false', (s) => `${s.falseAlarmShare} %`],
      ['alert.updated events (board traffic)', (s) => s.updates],
      ...kinds.map((k): [string, (s: Score) => string] => [
        `\`${k}\` raised (of which false)`,
        (s) => `${s.byKind[k] ?? 0} (${s.falseByKind[k] ?? 0})`,
      ]),
    ]),
  ].join('\n');
}
