export {
  DEFAULT_CONSUMERS,
  DEFAULT_RECEIVE_MAXIMUM,
  DEFAULT_SESSION_EXPIRY_S,
  ExternalBroker,
  type ExternalBrokerOptions,
  type ExternalBrokerStats,
} from './external-broker.ts';
export { consumerClientId, isPlatformClientId, PLATFORM_CLIENT_ID_PREFIXES } from './platform-client-ids.ts';
export { type DeviceCredentials, MosquittoProvisioner, type MosquittoProvisionerOptions } from './provisioner.ts';
export {
  DEFAULT_ACL_ACCESS,
  type DynsecAcl,
  type DynsecAclType,
  deviceAcls,
  deviceRoleName,
  PLATFORM_ROLE,
  platformAcls,
} from './dynsec-acl.ts';
export { DYNSEC_RESPONSE_TOPIC, DYNSEC_TOPIC, type DynsecCommand, type DynsecResponse } from './dynsec-channel.ts';
export { DynsecError, type DynsecErrorCode, ExternalBrokerError, type ExternalBrokerErrorCode } from './errors.ts';
export { DEFAULT_SHARE_GROUP, sharedUplinkFilter, toUplink } from './uplink.ts';
export type { BackoffOptions } from './backoff.ts';
