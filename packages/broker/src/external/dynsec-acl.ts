import { DOWNLINK_CHANNELS, deviceTopic, UPLINK_CHANNELS } from '@vigil/contracts';
import { DEFAULT_SHARE_GROUP } from './uplink.ts';

/**
 * Mosquitto 2.0 dynamic-security ACL types. `publishClientSend`: what a client may publish;
 * `publishClientReceive`: what the broker may deliver to it; `subscribeLiteral`: a subscription whose
 * filter is exactly this string (no wildcard games); `subscribePattern`: the ACL topic as a filter
 * matched against the requested filter.
 */
export type DynsecAclType =
  | 'publishClientSend'
  | 'publishClientReceive'
  | 'subscribeLiteral'
  | 'subscribePattern'
  | 'unsubscribeLiteral'
  | 'unsubscribePattern';

export interface DynsecAcl {
  acltype: DynsecAclType;
  topic: string;
  allow: boolean;
  priority?: number;
}

/** `setDefaultACLAccess` acltypes: `subscribe` and `unsubscribe` cover both literal and pattern. */
export type DefaultAclType = 'publishClientSend' | 'publishClientReceive' | 'subscribe' | 'unsubscribe';

/**
 * What no role grants is denied (contract §1: "a device may publish only…, subscribe only…"), also
 * delivery: a role must name what its clients may receive. Unsubscribing is harmless and stays open.
 */
export const DEFAULT_ACL_ACCESS: { acltype: DefaultAclType; allow: boolean }[] = [
  { acltype: 'publishClientSend', allow: false },
  { acltype: 'publishClientReceive', allow: false },
  { acltype: 'subscribe', allow: false },
  { acltype: 'unsubscribe', allow: true },
];

export const PLATFORM_ROLE = 'vigil-platform';
export const deviceRoleName = (deviceId: string): string => `vigil-device-${deviceId}`;

/**
 * contract §1 ACL of one device, as Mosquitto enforces it. Exact topics only, never wildcards:
 * - publish: its own `vitals|events|telemetry|status` (the Last Will included: Mosquitto checks the
 *   will topic against `publishClientSend` when it publishes the will);
 * - subscribe (exact filter) and receive: its own `errors` and `commands`.
 */
export function deviceAcls(prefix: string, facilityId: string, deviceId: string): DynsecAcl[] {
  const topic = (c: (typeof UPLINK_CHANNELS)[number] | (typeof DOWNLINK_CHANNELS)[number]) =>
    deviceTopic(prefix, facilityId, deviceId, c);
  return [
    ...UPLINK_CHANNELS.map((c) => ({ acltype: 'publishClientSend' as const, topic: topic(c), allow: true })),
    ...DOWNLINK_CHANNELS.flatMap((c) => [
      { acltype: 'subscribeLiteral' as const, topic: topic(c), allow: true },
      { acltype: 'publishClientReceive' as const, topic: topic(c), allow: true },
    ]),
  ];
}

/**
 * The engine workers' role: the shared subscription of each uplink channel (the lanes of
 * `sharedLaneFilters` in uplink.ts), delivery of uplink channels only, and publishing to any device's `errors` and
 * `commands`.
 */
export function platformAcls(prefix: string, group = DEFAULT_SHARE_GROUP): DynsecAcl[] {
  const anyDevice = (channel: string) => `${prefix}/+/devices/+/${channel}`;
  return [
    // Mosquitto 2.0.11 checks the whole `$share/{group}/…` filter; brokers that strip the share
    // prefix before the check see the plain filter.
    ...UPLINK_CHANNELS.flatMap((c) => [
      { acltype: 'subscribeLiteral' as const, topic: `$share/${group}/${anyDevice(c)}`, allow: true },
      { acltype: 'subscribeLiteral' as const, topic: anyDevice(c), allow: true },
    ]),
    ...UPLINK_CHANNELS.map((c) => ({ acltype: 'publishClientReceive' as const, topic: anyDevice(c), allow: true })),
    ...DOWNLINK_CHANNELS.map((c) => ({ acltype: 'publishClientSend' as const, topic: anyDevice(c), allow: true })),
  ];
}

/**
 * Whether a role's ACLs (as `getRole` answers them) are exactly `wanted`, in any order. Mosquitto
 * answers every ACL with a priority (0 where none was given), so an absent priority means 0.
 */
export function sameAcls(actual: readonly DynsecAcl[], wanted: readonly DynsecAcl[]): boolean {
  const key = (a: DynsecAcl) => `${a.acltype}\u0000${a.topic}\u0000${a.allow}\u0000${a.priority ?? 0}`;
  const have = actual.map(key).sort();
  const want = wanted.map(key).sort();
  return have.length === want.length && have.every((k, i) => k === want[i]);
}
