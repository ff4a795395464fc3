import type {
  DeviceCommand,
  DeviceEvent,
  DeviceStatus,
  DownlinkChannel,
  IngestErrorMessage,
  SensorTelemetry,
  VitalsEventData,
  VitalsSample,
} from '@vigil/contracts';
import type { BaselineState } from '@vigil/rules';
import type { DeviceRecord } from '@vigil/stores';

/**
 * Ports between the parts of the pipeline (architecture.md "Flow"):
 *   broker ──UplinkMessage──▶ Ingest ──IngestSink──▶ monitor (rules, alerts)
 *   Ingest / alerts ──DeviceDownlink──▶ broker ──▶ device
 *   monitor ──VitalsFeed──▶ gateway ──▶ dashboards
 */

/** One message as the broker received it from an authenticated device. */
export interface UplinkMessage {
  /** The authenticated client's device id (MQTT username), never taken from the topic alone. */
  deviceId: string;
  topic: string;
  payload: Buffer;
  /** Platform clock at receipt, epoch ms. */
  receivedAt: number;
}

/** Messages that passed validation, ts normalised to epoch ms, duplicates removed. */
export type AcceptedSample = VitalsSample & { ts: number };
export type AcceptedEvent = DeviceEvent & { ts: number };
export type AcceptedTelemetry = SensorTelemetry & { ts: number };

export interface IngestSink {
  /** Samples of one message, in `ts` order (contract §1.1). */
  vitals(device: DeviceRecord, samples: AcceptedSample[]): Promise<void>;
  event(device: DeviceRecord, event: AcceptedEvent): Promise<void>;
  telemetry(device: DeviceRecord, telemetry: AcceptedTelemetry): Promise<void>;
  /** Retained `status`; the Last Will says `offline` (contract §1). */
  status(device: DeviceRecord, status: DeviceStatus, at: number): Promise<void>;
  /**
   * A resident arrives with a personal baseline learned elsewhere (an import): it goes into their
   * rule memory unless one was learned here already. Absent: such records are dropped.
   */
  seedBaseline?(residentId: string, baseline: BaselineState): Promise<void>;
}

/** Platform → device publishing (errors at QoS 0, commands at QoS 1). */
export interface DeviceDownlink {
  publish(
    facilityId: string,
    deviceId: string,
    channel: DownlinkChannel,
    payload: IngestErrorMessage | DeviceCommand,
  ): Promise<void>;
}

/** Live vitals for dashboards that subscribed (contract §2 `vitals`); the gateway throttles to 1/s. */
export interface VitalsFeed {
  publish(facilityId: string, data: VitalsEventData): void;
}
