import { NEWS2_PARAMS, type News2 } from '@vigil/contracts';
import { t } from '../i18n/consult.ts';

/** "5 · Medium risk", with "from 4 of 7 measures" when NEWS2 lacks parameters (plain words, no "partial"). */
export function news2Headline(n: Pick<News2, 'score' | 'risk' | 'partial' | 'missing'>): string {
  const base = `${n.score} · ${t('riskIs', { level: t(`risk_${n.risk}`) })}`;
  return n.partial ? `${base} (${t('news2Partial', { have: 7 - n.missing.length })})` : base;
}

/** The sub-scores that add up to it, each named: "Oxygen 3 · Heart rate 1". */
export function news2Subscores(n: Pick<News2, 'subscores'>): string {
  return NEWS2_PARAMS.flatMap((p) => {
    const s = (n.subscores as Partial<Record<(typeof NEWS2_PARAMS)[number], number>>)[p];
    return s === undefined ? [] : [`${t(`sub_${p}`)} ${s}`];
  }).join(' · ');
}
