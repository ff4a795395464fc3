import type { UplinkChannel } from '@vigil/contracts';

/** One simulated device, as provisioned (contract §4.1 `POST /api/devices` → `{id, secret}`). */
export interface DeviceSpec {
  deviceId: string;
  secret: string;
  facilityId: string;
  kind: 'wearable' | 'sensor';
  residentId?: string;
  zoneId?: string;
  roomId?: string;
  /** This device's scenario, overriding the run's (a demo casts a few residents on purpose). */
  scenario?: string;
}

/** Wall clock, injected (STYLE.md §3) so tests and replays choose the time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Kinds of intentionally bad input produced by the `malformed` scenario (contract §1.4). */
export type MalformedKind =
  | 'invalid_json'
  | 'hr_out_of_range'
  | 'missing_ts'
  | 'ts_in_future'
  | 'ts_too_old'
  | 'string_numbers'
  | 'oversize_batch'
  | 'payload_too_large';

/** A message the device publishes. `payload` is the exact wire text (malformed ones need not be JSON). */
export interface PublishEmission {
  kind: 'publish';
  deviceId: string;
  atMs: number;
  channel: Exclude<UplinkChannel, 'status'>;
  payload: string;
  /** What the message is, for stats and tests: `sample`, `batch`, `event:sos`, `telemetry`, `malformed:…`. */
  label: string;
  /** Set only on intentionally bad input; such a message must fail contract validation. */
  malformed?: MalformedKind;
}

/** The connection is destroyed without DISCONNECT, so the broker publishes the Last Will (contract §1). */
export interface DropEmission {
  kind: 'drop';
  deviceId: string;
  atMs: number;
}

/** The device comes back (new CONNECT, retained `online` status). */
export interface ReconnectEmission {
  kind: 'reconnect';
  deviceId: string;
  atMs: number;
}

export type Emission = PublishEmission | DropEmission | ReconnectEmission;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
