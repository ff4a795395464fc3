import { type News2, type ReportUpdatedData, toIso } from '@vigil/contracts';
import type { RiskChange } from '@vigil/rules';
import type { Stores } from '@vigil/stores';

/** A risk change of one sample, with the score that made it and the sample's device time. */
export interface PendingRiskChange {
  change: RiskChange;
  news2: News2;
  ts: number;
}

/**
 * Appends `report.updated` to the event log (contract §2, §4.4), so every gateway's fan-out sees it,
 * whichever process judged the sample; the gateway sends it only to the medical users the resident's
 * consent admits (realtime/redact.ts).
 */
export async function announceRiskChanges(
  events: Stores['events'],
  facilityId: string,
  residentId: string,
  changes: readonly PendingRiskChange[],
): Promise<void> {
  for (const { change, news2, ts } of changes) {
    const data: ReportUpdatedData = {
      residentId,
      risk: change.risk,
      previousRisk: change.previousRisk,
      news2,
      summary: change.summary,
      at: toIso(ts),
    };
    await events.append({ event: 'report', type: 'report.updated', facilityId, data });
  }
}
