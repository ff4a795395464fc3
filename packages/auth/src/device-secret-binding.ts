import type { Logger } from '@vigil/runtime';
import { type DevicePeppers, hashDeviceSecret } from './device-secrets.ts';
import { hashSecret } from './secrets.ts';

/**
 * How device secrets are hashed and verified in a deployment: the server peppers (from
 * DEVICE_SECRET_PEPPER), given by the composition root to everything that hashes or verifies them
 * (REST provisioning, the demo, the embedded broker's authenticator).
 */
export interface DeviceSecretSettings {
  peppers: DevicePeppers;
  /** Where a failed rewrite of an outdated hash is reported (it is retried at the next connect). */
  log?: Logger;
}

/**
 * The stored form of a newly provisioned device's secret: an HMAC under the current pepper, or, with
 * no pepper configured, argon2id (which verifies anywhere and is rewritten once a pepper is
 * configured and the device connects).
 */
export async function hashNewDeviceSecret(settings: DeviceSecretSettings | undefined, secret: string): Promise<string> {
  return settings ? hashDeviceSecret(secret, settings.peppers.current) : hashSecret(secret);
}
