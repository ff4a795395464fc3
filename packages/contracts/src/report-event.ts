import { z } from 'zod';
import { Id, IsoTime } from './ids.ts';
import { News2, News2Param, RiskLevel } from './news2.ts';
import { envelope } from './socket.ts';

/**
 * What moved the risk, for a board to say it in plain words without reading the report first
 * (contract §2 leaves `summary` open). `drivers`: the NEWS2 parameters that score, highest sub-score
 * first; `partial`: the score lacked parameters (it says which in `news2.missing`).
 */
export const ReportSummary = z.object({
  direction: z.enum(['rose', 'fell']),
  drivers: z.array(News2Param),
  partial: z.boolean(),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

/**
 * Event `report`, type `report.updated` (contract §2, §4.4): a resident's NEWS2 risk level changed
 * from one of the four to another (a first score is not a change). Damped as alerts are (a fall is
 * announced once it has held; docs/clinical-rules.md "Risk changes pushed"). `at`: the device time
 * of the reading that made the change. Through the event log; a gateway sends it to the medical users
 * of the facility whom the resident's consent admits.
 */
export const ReportUpdatedData = z.object({
  residentId: Id,
  risk: RiskLevel,
  previousRisk: RiskLevel,
  news2: News2,
  summary: ReportSummary,
  at: IsoTime,
});
export type ReportUpdatedData = z.infer<typeof ReportUpdatedData>;
export const ReportEnvelope = envelope(z.literal('report.updated'), ReportUpdatedData);
export type ReportEnvelope = z.infer<typeof ReportEnvelope>;
