import { type News2, type ReportUpdatedData, type RiskLevel, toIso } from '@vigil/contracts';
import { alreadyAnnounced, type RiskAnnouncements, type RiskChange, withAnnouncement } from '@vigil/rules';
import type { Logger } from '@vigil/runtime';
import type { Stores } from '@vigil/stores';

/** A risk change of one sample, with the score that made it and the sample's device time. */
export interface PendingRiskChange {
  change: RiskChange;
  news2: News2;
  ts: number;
}

/** A resident's first score: the level in force, announced to nobody (contract §4.4). */
export interface FirstRiskLevel {
  risk: RiskLevel;
  ts: number;
}

/**
 * Where a resident's announced risk levels are kept (`RiskAnnouncements`, in the rule-state store,
 * sealed with the resident's facility key on Redis); the report reads them there.
 */
export const riskAnnouncementsKey = (residentId: string) => `resident:${residentId}:risk`;

/**
 * Appends `report.updated` to the event log (contract §2, §4.4), so every gateway's fan-out sees it,
 * whichever process judged the sample; the gateway sends it only to the medical users the resident's
 * consent admits (realtime/redact.ts). Each level is recorded as announced, once pushed: a takeover
 * replays the log after the last checkpoint with the rule memory as of that checkpoint, and judges
 * again changes that were pushed already; those are recognised here and not pushed twice (as an
 * alert's replay finds it open). The push comes before its record: a crash between the two repeats a
 * push rather than lose a deterioration. Only a change or a first score costs a store round trip.
 */
export async function announceRiskChanges(
  stores: Pick<Stores, 'events' | 'ruleState'>,
  facilityId: string,
  residentId: string,
  first: FirstRiskLevel | undefined,
  changes: readonly PendingRiskChange[],
  log?: Logger,
): Promise<void> {
  if (!first && changes.length === 0) return;
  const key = riskAnnouncementsKey(residentId);
  let record = await stores.ruleState.get<RiskAnnouncements>(key);
  if (first && !alreadyAnnounced(record, first.risk, first.ts)) {
    record = withAnnouncement(record, first.risk, first.ts);
    await stores.ruleState.put(key, record);
  }
  for (const { change, news2, ts } of changes) {
    if (alreadyAnnounced(record, change.risk, ts)) {
      log?.debug({ residentId, at: toIso(ts) }, 'risk change already announced (replay): not pushed again');
      continue;
    }
    const data: ReportUpdatedData = {
      residentId,
      risk: change.risk,
      previousRisk: change.previousRisk,
      news2,
      summary: change.summary,
      at: toIso(ts),
    };
    await stores.events.append({ event: 'report', type: 'report.updated', facilityId, data });
    record = withAnnouncement(record, change.risk, ts);
    await stores.ruleState.put(key, record);
  }
}
