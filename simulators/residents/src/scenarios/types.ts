import type { DeviceEventType, Location } from '@vigil/contracts';
import type { ResidentModel } from '../resident-model.ts';
import type { Rng } from '../rng.ts';
import type { SensorModel } from '../sensor-model.ts';
import type { DeviceSpec, MalformedKind } from '../types.ts';

/** Given once per device when its scenario run is created (MQTTX caches state per client id; so do we). */
export interface ScenarioContext {
  device: DeviceSpec;
  /** The scenario's own seeded stream, independent of the physiology's. */
  rng: Rng;
  startMs: number;
  /** When the first episode may start, after `startMs`; each scenario's own default otherwise. */
  firstOnsetMs?: readonly [number, number] | undefined;
}

/** What a scenario may do in one sample slot of one device. Nothing here touches MQTT. */
export interface BaseSlot {
  readonly atMs: number;
  readonly elapsedMs: number;
  readonly device: DeviceSpec;
  /** Whether the device is connected (false between `drop()` and `reconnect()`). */
  readonly online: boolean;
  /** The device's place in the facility, for event locations; undefined when it has none. */
  readonly place: Location | undefined;
  event(type: DeviceEventType, location?: Location): void;
  /** Intentionally bad input (contract §1.4); `payload` is sent verbatim. */
  raw(channel: 'vitals' | 'events' | 'telemetry', payload: string, kind: MalformedKind): void;
  /** Destroy the connection without DISCONNECT: the broker publishes the Last Will. */
  drop(): void;
  /** Connect again; samples buffered while offline are then sent as batches (store-and-forward). */
  reconnect(): void;
}

export interface WearableSlot extends BaseSlot {
  readonly resident: ResidentModel;
  /** Draws the resident's next reading and sends it (buffered while offline). */
  sample(): void;
}

export interface SensorSlot extends BaseSlot {
  readonly sensor: SensorModel;
  /** Reads the sensor; sends on any state change or when the heartbeat is due. */
  telemetry(): void;
}

export interface ScenarioRun<S> {
  step(slot: S): void;
}

/** A scenario module: metadata plus a per-device generator (STYLE.md §14, MQTTX `simulate`). */
export interface Scenario<K extends 'wearable' | 'sensor' = 'wearable' | 'sensor'> {
  name: string;
  description: string;
  deviceKind: K;
  create(ctx: ScenarioContext): ScenarioRun<K extends 'wearable' ? WearableSlot : SensorSlot>;
}

export type WearableScenario = Scenario<'wearable'>;
export type SensorScenario = Scenario<'sensor'>;
