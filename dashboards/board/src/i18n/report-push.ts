import { defineMessages } from './messages.ts';

/**
 * Pushed risk changes in the consult view (issue 15 item 2): when a resident's early warning risk
 * goes up or down, the doctor reads it in plain words at once. Risk levels and measure names come
 * from the consult catalogue (`risk_*`, `sub_*`), so they read the same as in the report.
 */
export const t = defineMessages(
  {
    rose: (p: { from: string; to: string }) => `Risk has gone up: now ${p.to}, was ${p.from}.`,
    fell: (p: { from: string; to: string }) => `Risk has come down: now ${p.to}, was ${p.from}.`,
    because: (p: { what: string }) => `Mostly from: ${p.what}.`,
    incomplete: 'Not every measure was available.',
    readingAt: (p: { time: string }) => `Reading at ${p.time}; the summary below is updated.`,
    dismiss: 'Got it',
  },
  {
    rose: (p) => `风险升高：现为${p.to}，之前为${p.from}。`,
    fell: (p) => `风险下降：现为${p.to}，之前为${p.from}。`,
    because: (p) => `主要来自：${p.what}。`,
    incomplete: '部分指标暂无读数。',
    readingAt: (p) => `读数时间 ${p.time}，下方摘要已更新。`,
    dismiss: '知道了',
  },
);
