import {
  addPoints,
  currentEpisode,
  describeEvidence,
  type EpisodeState,
  newEpisode,
  newTrack,
  type Observation,
  type PersistenceSpec,
  priorityOf,
  type Tier,
  type Track,
} from '@vigil/rules';
import type { AlertService, RaiseInput } from '../alerts/alert-service.ts';
import { REPEAT_UPDATE_INTERVAL_MS } from '../alerts/alert-service.ts';

/** What the alert side has been told about a track's episode. */
export interface Emitted {
  tier: Tier;
  /** Device time of the last `touch` (lastSeenAt), to touch at most once per interval. */
  touchedAt?: number;
  /** The alert raised for the episode. */
  alertId?: string;
  /**
   * A person resolved that alert as a false alarm (or as needing no action) while the condition
   * went on: the episode is not raised again at this tier, only once it worsens or clears and returns.
   */
  silenced?: boolean;
}

/** Outcomes by which a person says "this episode needs nothing from us": it is not raised again. */
const SILENCING: ReadonlySet<string> = new Set(['false_alarm', 'no_action_needed']);

export interface TrackedCondition {
  track: Track;
  emitted: Emitted;
  /** The window of the last real observation; a gap point is replayed with it. */
  spec?: PersistenceSpec;
}

export type Tracks = Record<string, TrackedCondition>;

/** Where an observation's alert goes: subject fields and the rule version to name. */
export interface AlertTarget {
  facilityId: string;
  subject: string;
  base: Pick<RaiseInput, 'facilityId' | 'residentId' | 'deviceId' | 'zoneId' | 'roomId'>;
  /** Appended to the rule id: `@<facility rules version>[/cp<care plan version>]`. */
  version: string;
  /** Platform time now: an alert decided by a reading older than `LATE_DATA_MS` says it came from late data. */
  now: number;
}

/** clinical.md "Device time": a reading this much older than its arrival is late data (store-and-forward). */
export const LATE_DATA_MS = 60_000;

/**
 * Feeds observations into their persistence tracks and turns episode transitions into alert
 * operations: onset → raise, a higher tier → escalate, cleared → self-clear or latch (alert service),
 * still holding → lastSeenAt. Each point is judged on its own, so a batch gives the transitions that
 * the same samples give live.
 */
export async function applyObservations(
  tracks: Tracks,
  observations: readonly Observation[],
  target: AlertTarget,
  alerts: AlertService,
): Promise<void> {
  for (const o of observations) {
    // Rule memory written by an earlier version (no window): start the condition afresh.
    const existing = tracks[o.key]?.track.checkpoint.window ? tracks[o.key] : undefined;
    // A quiet condition keeps no memory (see `quiet`): a reading in range, or a gap, creates nothing.
    if (!existing && (o.point.gap || o.point.tier === 0)) continue;
    const tc: TrackedCondition = existing ?? { track: newTrack(), emitted: { tier: 0 } };
    const spec = o.point.gap ? (tc.spec ?? o.spec) : o.spec;
    if (!o.point.gap) tc.spec = o.spec;
    tc.track = addPoints(tc.track, [o.point], spec);
    const ep = currentEpisode(tc.track, spec);
    await reconcile(tc, ep, { ...o, spec }, target, alerts);
    if (quiet(tc, ep)) delete tracks[o.key];
    else tracks[o.key] = tc;
  }
}

/**
 * Nothing to remember: no alert told, no episode, and no reading past a limit in the window or the
 * reorder tail. Readings in range before a condition begins never count towards its window (a
 * sustained condition must be seen for the whole window, so the window then starts after them),
 * and an in-range previous reading confirms nothing, so forgetting them changes no decision; it
 * keeps rule memory at a few bytes for the conditions a resident does not have, which is nearly all.
 */
function quiet(tc: TrackedCondition, ep: EpisodeState): boolean {
  return (
    tc.emitted.tier === 0 &&
    ep.tier === 0 &&
    ep.crit === undefined &&
    tc.track.tail.every((p) => p.tier === 0) &&
    tc.track.checkpoint.window.every((b) => b[5] === 0 && b[3] === 0)
  );
}

async function reconcile(
  tc: TrackedCondition,
  ep: EpisodeState,
  o: Observation,
  target: AlertTarget,
  alerts: AlertService,
) {
  const { emitted } = tc;
  const at = o.point.ts;
  if (ep.tier > emitted.tier) {
    const tier = ep.tier as 1 | 2 | 3;
    const d = o.describe(tier, ep);
    const evidence = describeEvidence(ep, o.spec);
    const late = target.now - at > LATE_DATA_MS;
    const raised = await alerts.raise(
      {
        ...target.base,
        kind: o.kind,
        priority: priorityOf(o, tier),
        title: d.title,
        observedAt: at,
        conditionHolds: true,
        explanation: {
          rule: `${o.rule}@${target.version}`,
          // When the condition began (device time): the alert is raised once the readings held.
          inputs: {
            ...d.inputs,
            ...(ep.onset !== undefined && { since: new Date(ep.onset).toISOString() }),
            ...(ep.evidence && { readings: { pastLimit: ep.evidence.abnormal, total: ep.evidence.readings } }),
          },
          condition: evidence ? `${d.condition}; ${evidence}` : d.condition,
          ...(d.window && { window: d.window }),
          ...(evidence && { path: ep.path }),
          ...(late && { late: { observedAt: new Date(at).toISOString(), delayMs: Math.round(target.now - at) } }),
        },
      },
      { escalation: emitted.tier > 0 },
    );
    tc.emitted = { tier, touchedAt: at, alertId: raised.id };
    return;
  }
  if (emitted.tier === 0) return;
  if (ep.tier === 0 && clearHeld(ep, o.spec)) {
    if (!emitted.silenced) await alerts.conditionCleared(target.facilityId, target.subject, o.kind, ep.clearedAt ?? at);
    tc.emitted = { tier: 0 };
    return;
  }
  if (emitted.silenced) return;
  if (emitted.touchedAt === undefined || bucket(at) !== bucket(emitted.touchedAt)) {
    const open = await alerts.touch(target.facilityId, target.subject, o.kind, at);
    if (open) {
      tc.emitted = { ...emitted, touchedAt: at };
      return;
    }
    const resolved = emitted.alertId ? await alerts.find(emitted.alertId) : undefined;
    if (resolved?.outcome && SILENCING.has(resolved.outcome)) {
      // Judged a false alarm while it went on: telling the same carer again every few minutes is
      // alarm fatigue (clinical.md). A worsening, or a new episode after it clears, is raised.
      tc.emitted = { ...emitted, silenced: true };
      return;
    }
    // Handled while the condition went on: start the window afresh; if the condition persists for
    // its full window again, a new alert is raised.
    tc.track = { checkpoint: { ...newEpisode(), lastTs: at }, tail: [], late: tc.track.late };
    tc.emitted = { tier: 0 };
  }
}

const bucket = (ts: number) => Math.floor(ts / REPEAT_UPDATE_INTERVAL_MS);

/**
 * The episode ended by its clear criteria, not merely "not reached yet": a late point can make a
 * replay lose an episode that was already raised, and that must not close its alert.
 */
function clearHeld(ep: EpisodeState, spec: PersistenceSpec): boolean {
  if (ep.clearRun === undefined || ep.lastTs === undefined) return false;
  return ep.lastTs - ep.clearRun >= spec.clearForMs;
}
