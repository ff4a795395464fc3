import type { RiskChange } from './risk-damping.ts';
import type { AlertKind, News2, Priority } from '@vigil/contracts';
import type { EpisodeState, PersistenceSpec, Tier, TrackPoint } from './persistence.ts';

/**
 * What one reading says about one condition: the point for the condition's persistence track plus
 * everything needed to raise its alert. `describe` is only called on a transition.
 */
export interface Observation {
  /** Track key within the subject (one track per alert kind). */
  key: string;
  kind: AlertKind;
  /** Rule id without version, e.g. `vital-threshold.hr_high`. */
  rule: string;
  spec: PersistenceSpec;
  point: TrackPoint;
  /** Alert priority per tier (IEC 60601-1-8); tier 3, the critical fast path, is always `high`. */
  priority: { 1: Priority; 2: Priority };
  describe(tier: RaisedTier, episode: EpisodeState): Description;
}

export type RaisedTier = Exclude<Tier, 0>;

export interface Description {
  title: string;
  condition: string;
  inputs: Record<string, unknown>;
  window?: string;
}

/** What the live `vitals` event carries beside the raw sample. */
export interface SampleVerdict {
  observations: Observation[];
  news2?: News2;
  /** Vitals of this sample rejected as artefacts. */
  artefacts: string[];
  /** The resident's risk level changed, as announced to the medical team (risk-damping.ts). */
  riskChange?: RiskChange;
}

export const priorityOf = (o: Pick<Observation, 'priority'>, tier: RaisedTier): Priority =>
  tier === 3 ? 'high' : o.priority[tier];
