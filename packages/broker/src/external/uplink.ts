import { isUplink, parseDeviceTopic, UPLINK_CHANNELS, uplinkWildcard } from '@vigil/contracts';
import type { UplinkMessage } from '@vigil/engine';

/** Default shared-subscription group: every engine worker in it gets a share of the uplinks. */
export const DEFAULT_SHARE_GROUP = 'vigil';

/**
 * `$share/vigil/care/+/devices/+/+` (MQTT 5 §4.8.2): each message goes to exactly one subscriber of
 * the group, so several engine workers split the load (architecture.md "Scale-out path").
 */
export function sharedUplinkFilter(prefix: string, group = DEFAULT_SHARE_GROUP): string {
  return `$share/${group}/${uplinkWildcard(prefix)}`;
}

/**
 * The lanes of the shared subscription (issue 12 "SOS first"): calls for help (`events`) are taken by
 * connections of their own, so an SOS never waits in the broker behind vitals queued for a busy
 * connection; `routine` takes the other uplink channels.
 */
export type UplinkLane = 'urgent' | 'routine';

/** `$share/{group}/{prefix}/+/devices/+/{channel}` for each channel of the lane. */
export function sharedLaneFilters(prefix: string, lane: UplinkLane, group = DEFAULT_SHARE_GROUP): string[] {
  return UPLINK_CHANNELS.filter((c) => (c === 'events') === (lane === 'urgent')).map(
    (c) => `$share/${group}/${prefix}/+/devices/+/${c}`,
  );
}

/**
 * A message from the external broker as the ingest's `UplinkMessage`, or undefined when the topic is
 * no device's uplink topic (a downlink channel, a malformed topic). The device id comes from the
 * topic: that is sound only because the broker's ACL (provisioned by `MosquittoProvisioner`) lets a
 * device publish nowhere but under its own `{prefix}/{facility}/devices/{id}/` (contract §1).
 */
export function toUplink(
  prefix: string,
  topic: string,
  payload: Buffer,
  receivedAt: number,
): UplinkMessage | undefined {
  const route = parseDeviceTopic(prefix, topic);
  if (!route || !isUplink(route.channel)) return undefined;
  return { deviceId: route.deviceId, topic, payload, receivedAt };
}
