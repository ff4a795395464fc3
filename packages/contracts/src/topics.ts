import { ID_PATTERN } from './ids.ts';

/** Device → platform channels and platform → device channels (contract §1). */
export const UPLINK_CHANNELS = ['vitals', 'events', 'telemetry', 'status'] as const;
export const DOWNLINK_CHANNELS = ['errors', 'commands'] as const;
export type UplinkChannel = (typeof UPLINK_CHANNELS)[number];
export type DownlinkChannel = (typeof DOWNLINK_CHANNELS)[number];
export type Channel = UplinkChannel | DownlinkChannel;

export const DEFAULT_TOPIC_PREFIX = 'care';

export interface DeviceTopic {
  facilityId: string;
  deviceId: string;
  channel: Channel;
}

/** `care/{facilityId}/devices/{deviceId}/{channel}` */
export function deviceTopic(prefix: string, facilityId: string, deviceId: string, channel: Channel): string {
  return `${prefix}/${facilityId}/devices/${deviceId}/${channel}`;
}

/** Wildcard for every uplink message of every device, for the platform's own subscription. */
export function uplinkWildcard(prefix: string): string {
  return `${prefix}/+/devices/+/+`;
}

/** Parses a device topic; `undefined` when it is not one (wrong prefix, shape, id or channel). */
export function parseDeviceTopic(prefix: string, topic: string): DeviceTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== prefix || parts[2] !== 'devices') return undefined;
  const [, facilityId, , deviceId, channel] = parts as [string, string, string, string, string];
  if (!ID_PATTERN.test(facilityId) || !ID_PATTERN.test(deviceId)) return undefined;
  if (
    !(UPLINK_CHANNELS as readonly string[]).includes(channel) &&
    !(DOWNLINK_CHANNELS as readonly string[]).includes(channel)
  ) {
    return undefined;
  }
  return { facilityId, deviceId, channel: channel as Channel };
}

export const isUplink = (c: Channel): c is UplinkChannel => (UPLINK_CHANNELS as readonly string[]).includes(c);
export const isDownlink = (c: Channel): c is DownlinkChannel => (DOWNLINK_CHANNELS as readonly string[]).includes(c);
