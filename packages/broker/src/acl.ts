import { deviceTopic, DOWNLINK_CHANNELS, UPLINK_CHANNELS } from '@vigil/contracts';
import type { DeviceIdentity } from './registry.ts';

/**
 * contract §1 ACL: a device publishes only to its own `vitals|events|telemetry|status` and
 * subscribes only to its own `errors` and `commands`. Exact topics: no wildcards are ever granted.
 */
export function mayPublish(prefix: string, id: DeviceIdentity, topic: string): boolean {
  return UPLINK_CHANNELS.some((c) => deviceTopic(prefix, id.facilityId, id.deviceId, c) === topic);
}

export function maySubscribe(prefix: string, id: DeviceIdentity, topicFilter: string): boolean {
  return DOWNLINK_CHANNELS.some((c) => deviceTopic(prefix, id.facilityId, id.deviceId, c) === topicFilter);
}
