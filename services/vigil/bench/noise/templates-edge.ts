import type { Template } from './templates.ts';
import { ANY_HOUR, HYPOXIA_SHIFT } from './templates-routine.ts';

/** Episodes at the edges of what rules see: borderline depth, sparse readings, interrupted runs. */
export const EDGE = {
  // ── borderline: a few points past a clinical band, 5–30 min ──
  // Mild hypoxaemia: 90–93 %, under the BTS target 94–98 % (NEWS2 92–93 scores 2, ≤ 91 scores 3).
  mild_hypoxaemia: {
    cls: 'borderline',
    kind: 'mild hypoxaemia',
    caughtBy: ['vital.spo2_low', 'news2'],
    rampS: [120, 300],
    holdMin: [5, 30],
    hours: ANY_HOUR,
    depth: { spo2: [90, 93] },
    shift: { rr: [1, 3] },
  },
  // 121–128 /min: a few past the 120 of clinical.md's reference wristband ("major ≥ 120"), inside
  // NEWS2's 111–130 (scores 2).
  borderline_tachycardia: {
    cls: 'borderline',
    kind: 'borderline tachycardia',
    caughtBy: ['vital.hr_high', 'news2'],
    rampS: [120, 300],
    holdMin: [5, 30],
    hours: [7, 22],
    depth: { hr: [121, 128] },
  },
  // RR 25–27: just into NEWS2's ≥ 25 (a red score: urgent review).
  borderline_tachypnoea: {
    cls: 'borderline',
    kind: 'borderline tachypnoea',
    caughtBy: ['vital.rr_high', 'news2'],
    rampS: [120, 300],
    holdMin: [5, 30],
    hours: ANY_HOUR,
    depth: { rr: [25, 27] },
    shift: { hr: [5, 10] },
  },

  // ── sparse: on a wristband that reports every 3–5 min ──
  sparse_desaturation: {
    cls: 'sparse',
    kind: 'desaturation',
    caughtBy: ['vital.spo2_low', 'news2'],
    rampS: [180, 600],
    holdMin: [20, 60],
    hours: ANY_HOUR,
    depth: { spo2: [86, 89] },
    shift: HYPOXIA_SHIFT,
  },
  sparse_tachycardia: {
    cls: 'sparse',
    kind: 'tachycardia',
    caughtBy: ['vital.hr_high', 'news2'],
    rampS: [180, 480],
    holdMin: [20, 60],
    hours: [7, 22],
    depth: { hr: [125, 135] },
    shift: { rr: [2, 4] },
  },
  // A chest infection: hypoxaemia with tachycardia.
  sparse_chest_infection: {
    cls: 'sparse',
    kind: 'chest infection',
    caughtBy: ['vital.spo2_low', 'vital.hr_high', 'news2'],
    rampS: [300, 900],
    holdMin: [30, 90],
    hours: ANY_HOUR,
    depth: { spo2: [86, 89], hr: [125, 135] },
    shift: { rr: [3, 6] },
  },
  sparse_fever: {
    cls: 'sparse',
    kind: 'fever',
    caughtBy: ['vital.temp_high', 'news2'],
    rampS: [1800, 3600],
    holdMin: [120, 180],
    hours: [6, 18],
    depth: { temp: [38.3, 39.5] },
    shift: { hr: [8, 15], rr: [2, 4] },
  },

  // ── interrupted: sustained, with about one reading in 5–6 back in range ──
  // "SpO2 89 % with the odd 94 % is still hypoxia" (clinical.md).
  interrupted_desaturation: {
    cls: 'interrupted',
    kind: 'desaturation',
    caughtBy: ['vital.spo2_low', 'news2'],
    rampS: [120, 300],
    holdMin: [10, 30],
    hours: ANY_HOUR,
    depth: { spo2: [87, 90] },
    shift: HYPOXIA_SHIFT,
    interrupt: { vital: 'spo2', inRange: [94, 95], oneIn: [5, 6] },
  },
  // AF with a fast ventricular rate: irregular, the odd beat-to-beat rate back under 100.
  interrupted_tachycardia: {
    cls: 'interrupted',
    kind: 'fast AF',
    caughtBy: ['vital.hr_high', 'news2'],
    rampS: [60, 180],
    holdMin: [10, 30],
    hours: ANY_HOUR,
    depth: { hr: [125, 138] },
    interrupt: { vital: 'hr', inRange: [88, 100], oneIn: [5, 6] },
  },
  interrupted_tachypnoea: {
    cls: 'interrupted',
    kind: 'tachypnoea',
    caughtBy: ['vital.rr_high', 'news2'],
    rampS: [120, 300],
    holdMin: [10, 30],
    hours: ANY_HOUR,
    depth: { rr: [25, 28] },
    interrupt: { vital: 'rr', inRange: [17, 20], oneIn: [5, 6] },
  },
} as const satisfies Record<string, Template>;
