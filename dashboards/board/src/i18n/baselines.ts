import { defineMessages, plural } from './messages.ts';

/**
 * The personal baselines in the consult view's health summary (issue 15 item 1, `HealthReport.baselines`):
 * the resident's usual resting pulse as the rules learned it, in a clinician's words. Figures and spans
 * come in already formatted (Intl, `duration`), units in the board's words.
 */
export const t = defineMessages(
  {
    title: 'Personal baselines',
    active: (p: { mean: string; sd: string; limit: string }) =>
      `Usual resting pulse ${p.mean} (±${p.sd}), alerts above ${p.limit}`,
    learnedFrom: (p: { n: number; count: string; span: string }) =>
      `learned from ${p.count} ${plural(p.n, 'reading', 'readings')} over ${p.span}`,
    learnedOver: (p: { span: string }) => `learned over ${p.span}`,
    warmingUp: (p: { n: number; count: string; span: string; needs: string }) =>
      `Still learning the usual resting pulse (${p.count} ${plural(p.n, 'reading', 'readings')} over ${p.span} so far, needs ${p.needs})`,
    warmingUpSpan: (p: { span: string; needs: string }) =>
      `Still learning the usual resting pulse (${p.span} so far, needs ${p.needs})`,
    disabled: (p: { mean: string; sd: string }) =>
      `Usual resting pulse alerts are turned off by the care plan or the facility’s rules (learned ${p.mean}, ±${p.sd}, kept for later)`,
    chartLegend: 'Violet short dashes on the heart rate: the limit above this resident’s usual resting pulse.',
  },
  {
    title: '个人基线',
    active: (p) => `平时静息心率 ${p.mean}（±${p.sd}），超过 ${p.limit} 提醒`,
    learnedFrom: (p) => `依据 ${p.count} 次测量，历时 ${p.span}`,
    learnedOver: (p) => `历时 ${p.span} 得出`,
    warmingUp: (p) => `仍在了解平时的静息心率（目前 ${p.count} 次测量，历时 ${p.span}，需要 ${p.needs}）`,
    warmingUpSpan: (p) => `仍在了解平时的静息心率（目前历时 ${p.span}，需要 ${p.needs}）`,
    disabled: (p) => `按护理计划或机构规则，平时静息心率提醒已关闭（已了解的 ${p.mean}，±${p.sd}，保留备用）`,
    chartLegend: '心率图上的紫色短虚线：这位长者平时静息心率的提醒界限。',
  },
);
