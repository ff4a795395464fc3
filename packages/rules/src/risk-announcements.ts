import type { RiskLevel } from '@vigil/contracts';

/**
 * The risk levels a resident's medical team has been told (contract §4.4), newest last: the first
 * score's level (announced to nobody, but the level in force) and each `report.updated` since, with
 * the device time of the reading that made it. Kept beside the rule memory, outside the checkpoint,
 * so that it is as new as the last push even when the memory is older (a takeover replays the log
 * after a checkpoint), and so that the report reads the same level the push said.
 */
export interface RiskAnnouncements {
  levels: { risk: RiskLevel; at: number }[];
}

/** Levels kept: a report window reaching further back than these falls back to the score's band. */
export const RISK_LEVELS_KEPT = 64;

/**
 * Whether a level judged from the reading at `at` was announced already: the same level at the same
 * device time, or anything newer (risk is tracked in device-time order, so a replay of readings
 * already judged gives the same levels at the same times, and nothing older is news).
 */
export function alreadyAnnounced(record: RiskAnnouncements | undefined, risk: RiskLevel, at: number): boolean {
  const levels = record?.levels ?? [];
  const last = levels.at(-1);
  if (last && last.at > at) return true;
  return levels.some((l) => l.at === at && l.risk === risk);
}

export function withAnnouncement(
  record: RiskAnnouncements | undefined,
  risk: RiskLevel,
  at: number,
): RiskAnnouncements {
  return { levels: [...(record?.levels ?? []), { risk, at }].slice(-RISK_LEVELS_KEPT) };
}

/** The level in force at `to` (device time): the latest announced at or before it, if known. */
export function announcedAt(record: RiskAnnouncements | undefined, to: number): RiskLevel | undefined {
  const levels = record?.levels ?? [];
  for (let i = levels.length - 1; i >= 0; i--) {
    const l = levels[i];
    if (l && l.at <= to) return l.risk;
  }
  return undefined;
}
