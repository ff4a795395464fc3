import { type CarePlan, type ReportBaseline, type RuleSettingsBody, toIso } from '@vigil/contracts';
import { judgeBaseline } from './baseline.ts';
import type { ResidentMemory } from './wearable-rules.ts';

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The personal baselines a resident's rule memory holds, as the report shows them (issue 15 item 1):
 * judged with the facility's baseline settings exactly as the rules judge them (`judgeBaseline`), so
 * `state` says whether a resting reading is measured against it now. Pure.
 */
export function reportBaselines(
  memory: Pick<ResidentMemory, 'baseline'> | undefined,
  settings: Pick<RuleSettingsBody, 'baseline'>,
  carePlan: Pick<CarePlan, 'baseline'>,
): ReportBaseline[] {
  const state = memory?.baseline;
  const judged = judgeBaseline(state, settings.baseline);
  if (!state || !judged) return [];
  const on = settings.baseline.enabled && carePlan.baseline?.enabled !== false;
  return [
    {
      vital: 'hr',
      context: 'resting',
      unit: '/min',
      mean: round1(judged.mean),
      sd: round1(judged.sd),
      limit: round1(judged.limit),
      samples: state.samples ?? null,
      learningSince: toIso(state.firstTs),
      lastLearnedAt: toIso(state.lastTs),
      learnedMs: state.lastTs - state.firstTs,
      warmupMs: settings.baseline.warmupMs,
      state: !on ? 'disabled' : judged.ready ? 'active' : 'warming_up',
    },
  ];
}
