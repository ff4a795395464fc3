import type { DeviceStatus } from '@vigil/contracts';
import type { BaselineState } from '@vigil/rules';
import type { LoggedRecord, LogLane, PartitionLog } from '@vigil/stores';
import type { AcceptedEvent, AcceptedSample, AcceptedTelemetry } from '../ports.ts';

/**
 * A device message as the edge admitted it (validated, typed, `ts` normalised) and the owner of its
 * subject's partition applies it. The log is the hand-over between the two (architecture.md
 * "Flow": broker → log → owner), and it is durable before the device gets its PUBACK.
 */
export type UplinkRecord =
  | { kind: 'vitals'; deviceId: string; samples: AcceptedSample[] }
  | { kind: 'event'; deviceId: string; event: AcceptedEvent }
  | { kind: 'telemetry'; deviceId: string; telemetry: AcceptedTelemetry }
  | { kind: 'status'; deviceId: string; status: DeviceStatus; at: number }
  /**
   * Not a device's: personal baselines a resident arrives with (an import, issue 15 item 4), for the
   * owner of the resident's partition to put in their rule memory, in log order before their
   * devices' first readings (resident-memory.ts).
   */
  | { kind: 'baseline'; residentId: string; baseline: BaselineState };

/**
 * Two lanes per partition: calls for help (SOS, fall, cancel and the other device events) never
 * wait behind a backlog of vitals (issue 12 "SOS first").
 */
export type Lane = LogLane;

export const laneOf = (r: UplinkRecord): Lane => (r.kind === 'event' ? 'urgent' : 'routine');

export type UplinkLog = PartitionLog<UplinkRecord>;
export type { LoggedRecord };
