import type { Range, Template } from './templates.ts';

/** Hypoxaemia drives breathing and pulse (see templates.ts). */
export const HYPOXIA_SHIFT = { rr: [3, 6], hr: [5, 15] } as const satisfies Template['shift'];
export const ANY_HOUR: Range = [0, 24];

/** The day's ordinary deteriorations (minutes to hours) and short ones (1–4 min). Sources in each comment. */
export const ROUTINE = {
  // ── sustained: the day's ordinary deteriorations, minutes to hours ──
  // Tachycardia > 100 /min; NEWS2 scores 111–130 as 2 and ≥ 131 as 3. Capped under clinical.md's
  // critical 140 so this class stays non-critical (infection, dehydration, pain, AF).
  tachycardia: {
    cls: 'sustained',
    kind: 'tachycardia',
    caughtBy: ['vital.hr_high', 'news2'],
    rampS: [180, 480],
    holdMin: [15, 40],
    hours: [8, 20],
    depth: { hr: [125, 139] },
    shift: { rr: [2, 4] },
  },
  // Bradycardia < 50 /min (2018 ACC/AHA/HRS guideline), e.g. beta-blocker or digoxin; kept above
  // clinical.md's critical 40 (NEWS2 41–50 scores 1).
  bradycardia: {
    cls: 'sustained',
    kind: 'bradycardia',
    caughtBy: ['vital.hr_low', 'news2'],
    rampS: [120, 300],
    holdMin: [10, 30],
    hours: ANY_HOUR,
    depth: { hr: [41, 47] },
  },
  // Moderate hypoxaemia: under the BTS target of 94–98 % and NEWS2 scale 1's ≤ 91 (scores 3), above
  // clinical.md's critical 85 %.
  desaturation: {
    cls: 'sustained',
    kind: 'desaturation',
    caughtBy: ['vital.spo2_low', 'news2'],
    rampS: [180, 600],
    holdMin: [15, 30],
    hours: ANY_HOUR,
    depth: { spo2: [86, 90] },
    shift: HYPOXIA_SHIFT,
  },
  // Fever ≥ 38.0 °C (NICE); NEWS2 38.1–39.0 scores 1, ≥ 39.1 scores 2; under the critical 40.0.
  fever: {
    cls: 'sustained',
    kind: 'fever',
    caughtBy: ['vital.temp_high', 'news2'],
    rampS: [1800, 3600],
    holdMin: [120, 180],
    hours: [6, 18],
    depth: { temp: [38.3, 39.5] },
    shift: { hr: [8, 15], rr: [2, 4] },
  },
  // The sleeping pulse 20–35 /min above the person's own (early infection, heart failure): from a
  // sleeping 55–80 it stays mostly under NEWS2's 111, so only a personal baseline sees it. No
  // published cut-off; 20 /min is a rise a clinician would call new tachycardia for that person.
  nocturnal_hr_rise: {
    cls: 'sustained',
    kind: 'nocturnal hr rise',
    caughtBy: ['vital.hr_baseline', 'vital.hr_high', 'news2'],
    rampS: [600, 1200],
    holdMin: [60, 90],
    hours: [1, 4],
    shift: { hr: [20, 35] },
  },
  // A morning in bed, too unwell to get up (3.5–4.5 h, daytime). A fall's long lie (≥ 1 h in about
  // a third of fallers, Fleming 2008) is the fall alert's to catch, not this one's.
  inactivity: {
    cls: 'sustained',
    kind: 'inactivity',
    caughtBy: ['resident.inactivity'],
    rampS: [0, 0],
    holdMin: [210, 270],
    hours: [9, 13],
    immobile: true,
  },

  // ── short: 1–4 min; reported, catching them is not required ──
  // A coughing bout or an obstructive apnoea cluster; depth as the sustained desaturation.
  brief_desaturation: {
    cls: 'short',
    kind: 'brief desaturation',
    caughtBy: ['vital.spo2_low', 'news2'],
    rampS: [10, 30],
    holdMin: [1, 4],
    hours: ANY_HOUR,
    depth: { spo2: [86, 90] },
    shift: { rr: [2, 4] },
  },
  // A run of paroxysmal SVT or fast AF that stops by itself, under the critical 140.
  tachycardia_run: {
    cls: 'short',
    kind: 'tachycardia run',
    caughtBy: ['vital.hr_high', 'news2'],
    rampS: [10, 30],
    holdMin: [1, 4],
    hours: ANY_HOUR,
    depth: { hr: [125, 138] },
  },
} as const satisfies Record<string, Template>;
