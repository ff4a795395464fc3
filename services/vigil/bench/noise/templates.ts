import type { AlertKind } from '@vigil/contracts';
import type { CriticalTest } from './clinical-truth.ts';
import { CRITICAL_EPISODES } from './templates-critical.ts';
import { EDGE } from './templates-edge.ts';
import { ROUTINE } from './templates-routine.ts';

/**
 * The true episodes the benchmark injects, drawn from clinical distributions written here with their
 * source. Never from the rules' settings: a benchmark sized from the limits it measures can only
 * confirm them (episodes.test.ts checks this file and the planner import nothing from the rules).
 *
 * Physiology that comes with an episode (shifts):
 * - hypoxaemia drives breathing and pulse (hypoxic ventilatory and sympathetic response): RR +3–6,
 *   HR +5–15 /min;
 * - fever raises the pulse by about 10 /min per °C (Liebermeister's rule) and breathing a little;
 * - hypotension brings a compensatory tachycardia (baroreflex): HR +15–30 /min.
 *
 * At depth a reading is the drawn depth plus its variability (`DEPTH_SD`), whatever the resident's
 * usual value, time of day or drift: the depth is what the clinical draw says.
 */

export type Range = readonly [number, number];
export const EPISODE_CLASSES = ['sustained', 'short', 'borderline', 'sparse', 'interrupted', 'critical'] as const;
export type EpisodeClass = (typeof EPISODE_CLASSES)[number];
export type Steered = 'hr' | 'spo2' | 'rr' | 'sbp' | 'temp';

/**
 * Reading-to-reading variability at depth: sensor noise plus beat-to-beat and breath-to-breath
 * variation (pulse 2 /min, SpO2 0.7 %, RR 1 /min, skin temperature 0.05 °C); a cuff repeats to about
 * 4 mmHg (ISO 81060-2 accepts a mean error ± 5 with sd ≤ 8 mmHg).
 */
export const DEPTH_SD: Readonly<Record<Steered, number>> = { hr: 2, spo2: 0.7, rr: 1, sbp: 4, temp: 0.05 };

export interface Template {
  cls: EpisodeClass;
  /** What happens to the resident, for the report. */
  kind: string;
  /** Any of these alert kinds raised while it lasts (or shortly after) has told a nurse. */
  caughtBy: readonly AlertKind[];
  /** Onset and recovery each take this long (seconds), then the depth holds (minutes). */
  rampS: Range;
  holdMin: Range;
  /** Local hours (facility time) the change may start in. */
  hours: Range;
  /** The value each vital reaches at the episode's depth (absolute, per its distribution). */
  depth?: Partial<Record<Steered, Range>>;
  /** Changes relative to the resident's own values. */
  shift?: Partial<Record<Steered, Range>>;
  /** Lies still: no steps. */
  immobile?: boolean;
  /** In the hold, about one reading in `oneIn` is back in range (a value drawn from `inRange`). */
  interrupt?: { vital: 'hr' | 'spo2' | 'rr'; inRange: Range; oneIn: Range };
  /** A carer takes a cuff reading this many minutes into the hold (the resident looks unwell). */
  spotChecksMin?: readonly Range[];
  /** And rechecks this many minutes after recovery (else the low reading stays the latest for hours). */
  recheckAfterMin?: Range;
  /** Critical episodes: the reading that starts the 10 s clock (clinical-truth.ts). */
  critical?: CriticalTest;
}

export const TEMPLATES = { ...ROUTINE, ...EDGE, ...CRITICAL_EPISODES };

export type TemplateName = keyof typeof TEMPLATES;

/** One simulated day's episodes: how many of each. */
export const PLAN: Readonly<Record<TemplateName, number>> = {
  tachycardia: 3,
  bradycardia: 2,
  desaturation: 3,
  fever: 2,
  nocturnal_hr_rise: 2,
  inactivity: 2,
  brief_desaturation: 3,
  tachycardia_run: 3,
  mild_hypoxaemia: 3,
  borderline_tachycardia: 2,
  borderline_tachypnoea: 2,
  sparse_desaturation: 2,
  sparse_tachycardia: 2,
  sparse_chest_infection: 1,
  sparse_fever: 1,
  interrupted_desaturation: 2,
  interrupted_tachycardia: 1,
  interrupted_tachypnoea: 1,
  critical_desaturation: 2,
  critical_tachycardia: 2,
  critical_bradycardia: 1,
  critical_tachypnoea: 1,
  critical_hypotension: 2,
  combined_deterioration: 2,
};
