import type { DeviceStatus } from '@vigil/contracts';
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
  | { kind: 'status'; deviceId: string; status: DeviceStatus; at: number };

/**
 * Two lanes per partition: calls for help (SOS, fall, cancel and the other device events) never
 * wait behind a backlog of vitals (issue 12 "SOS first").
 */
export type Lane = 'urgent' | 'routine';
export const LANES: readonly Lane[] = ['urgent', 'routine'];

export const laneOf = (r: UplinkRecord): Lane => (r.kind === 'event' ? 'urgent' : 'routine');

export interface LoggedRecord {
  /** Position in its partition's lane; ordered as `compareOffsets` says. */
  offset: string;
  record: UplinkRecord;
}

export interface UplinkLog {
  /** Appends to the partition's lane; resolves once the record is as durable as the log is. */
  append(partition: number, record: UplinkRecord): Promise<void>;
  /** Records after `after` (exclusive; undefined = from the oldest kept), oldest first, at most `max`. */
  read(partition: number, lane: Lane, after: string | undefined, max: number): Promise<LoggedRecord[]>;
  /** Records waiting after `after` in a lane, for backpressure. */
  backlog(partition: number, lane: Lane, after: string | undefined): Promise<number>;
  /** Drops records up to and including `upTo` (applied and checkpointed). */
  trim(partition: number, lane: Lane, upTo: string): Promise<void>;
  /** Called after each append that may have made records readable; returns an unsubscribe function. */
  onAppend(listener: (partition: number, lane: Lane) => void): () => void;
}

/**
 * Offsets have the Redis Stream id shape `<ms>-<seq>` (the memory log counts in `<n>-0`), compared
 * as two numbers.
 */
export function compareOffsets(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}
