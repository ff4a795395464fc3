import type { ReportBaseline } from '@vigil/contracts';
import { duration } from '../format.ts';
import { t } from '../i18n/baselines.ts';
import { formatNumber } from '../i18n/format.ts';
import { vitalValue } from '../vital-text.ts';

/**
 * One personal baseline of the health report as the doctor reads it (issue 15 item 1): the usual
 * resting pulse, its spread and the limit the rule alerts above, and what it was learned from; still
 * learning (nothing is judged against it yet, docs/clinical-rules.md "Personal baseline"); or turned
 * off (kept, not used). The limit is shown as the rule holds it (one decimal), not rounded to a whole
 * beat that the rule would not alert at.
 */
export function baselineText(b: ReportBaseline): string {
  const mean = vitalValue(b.vital, b.mean);
  const sd = formatNumber(b.sd, 1);
  const span = duration(b.learnedMs);
  if (b.state === 'disabled') return t('disabled', { mean, sd });
  if (b.state === 'warming_up') {
    const needs = duration(b.warmupMs);
    return b.samples === null
      ? t('warmingUpSpan', { span, needs })
      : t('warmingUp', { n: b.samples, count: formatNumber(b.samples, 0), span, needs });
  }
  const head = t('active', { mean, sd, limit: vitalValue(b.vital, b.limit, 1) });
  const learned =
    b.samples === null
      ? t('learnedOver', { span })
      : t('learnedFrom', { n: b.samples, count: formatNumber(b.samples, 0), span });
  return `${head} · ${learned}`;
}

/** The alert limit to draw on the vital's chart: only a baseline the rules judge against now. */
export function activeBaselineLimit(
  baselines: readonly ReportBaseline[] | undefined,
  vital: string,
): number | undefined {
  return baselines?.find((b) => b.vital === vital && b.state === 'active')?.limit;
}
