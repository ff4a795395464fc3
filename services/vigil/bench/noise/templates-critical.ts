import type { Template } from './templates.ts';
import { ANY_HOUR } from './templates-routine.ts';

/** Critical episodes: fast onset (10–60 s), deep; an alert is due within 10 s of the first critical reading. */
export const CRITICAL_EPISODES = {
  // Choking, aspiration, a mucus plug: nadir 75–84 %.
  critical_desaturation: {
    cls: 'critical',
    kind: 'desaturation',
    caughtBy: ['vital.spo2_low', 'news2'],
    rampS: [10, 60],
    holdMin: [3, 10],
    hours: ANY_HOUR,
    depth: { spo2: [75, 84] },
    shift: { rr: [4, 8], hr: [10, 20] },
    critical: 'spo2_low',
  },
  // SVT, AF with rapid ventricular response, VT: 145–180 /min.
  critical_tachycardia: {
    cls: 'critical',
    kind: 'tachyarrhythmia',
    caughtBy: ['vital.hr_high', 'news2'],
    rampS: [10, 60],
    holdMin: [3, 15],
    hours: ANY_HOUR,
    depth: { hr: [145, 180] },
    critical: 'hr_high',
  },
  // Complete heart block or drug toxicity: 30–38 /min.
  critical_bradycardia: {
    cls: 'critical',
    kind: 'heart block',
    caughtBy: ['vital.hr_low', 'news2'],
    rampS: [10, 60],
    holdMin: [3, 10],
    hours: ANY_HOUR,
    depth: { hr: [30, 38] },
    critical: 'hr_low',
  },
  // Acute pulmonary oedema or an exacerbation of COPD/asthma: RR 30–40.
  critical_tachypnoea: {
    cls: 'critical',
    kind: 'respiratory distress',
    caughtBy: ['vital.rr_high', 'news2'],
    rampS: [10, 60],
    holdMin: [5, 15],
    hours: ANY_HOUR,
    depth: { rr: [30, 40] },
    shift: { hr: [10, 20] },
    critical: 'rr_high',
  },
  // Shock (bleed, sepsis): SBP 65–79 on a cuff a carer puts on, repeated 5–9 min later and again
  // 3–10 min after recovery (treatment: lying flat, fluids).
  critical_hypotension: {
    cls: 'critical',
    kind: 'hypotension (cuff)',
    caughtBy: ['vital.sbp_low', 'news2'],
    rampS: [10, 60],
    holdMin: [10, 20],
    hours: [7, 22],
    depth: { sbp: [65, 79] },
    shift: { hr: [15, 30] },
    spotChecksMin: [
      [0.5, 3],
      [5, 9],
    ],
    recheckAfterMin: [3, 10],
    critical: 'sbp_low',
  },
  // Sudden combined deterioration (pulmonary embolism, aspiration): pulse 118–128 (NEWS2 2), RR
  // 26–29 (3), SpO2 89–91 (3): an aggregate of about 8, no single vital critical.
  combined_deterioration: {
    cls: 'critical',
    kind: 'deterioration to NEWS2 ≥ 7',
    caughtBy: ['news2'],
    rampS: [10, 60],
    holdMin: [10, 30],
    hours: ANY_HOUR,
    depth: { hr: [118, 128], rr: [26, 29], spo2: [89, 91] },
    critical: 'news2',
  },
} as const satisfies Record<string, Template>;
