import type { Logger } from '@vigil/runtime';
import { type DevicePeppers, DeviceSecretError, hashDeviceSecret } from './device-secrets.ts';
import { hashSecret } from './secrets.ts';

/** How the device secrets kept in one device store are hashed and verified. */
export interface DeviceSecretSettings {
  peppers: DevicePeppers;
  /** Where a failed rewrite of an outdated hash is reported (it is retried at the next connect). */
  log?: Logger;
}

const bound = new WeakMap<object, DeviceSecretSettings>();

/**
 * The hashes in a device store only verify under the pepper they were made with, so the pepper goes
 * with the store: the composition root binds it once (services/vigil/src/mqtt.ts, from
 * DEVICE_SECRET_PEPPER), and whatever hashes or verifies that store's device secrets (provisioning
 * over REST, the demo, the embedded broker's authenticator) asks for it here. A store bound to other
 * peppers already is an error: two parts hashing under different peppers would lock devices out.
 */
export function bindDeviceSecrets(devices: object, settings: DeviceSecretSettings): void {
  const already = bound.get(devices);
  if (already && already.peppers.current.id !== settings.peppers.current.id) {
    throw new DeviceSecretError('bad_pepper', 'this device store is bound to another device secret pepper');
  }
  bound.set(devices, settings);
}

/** The settings bound to a device store; undefined when none is (argon2id only, as before peppers). */
export function deviceSecretSettingsOf(devices: object): DeviceSecretSettings | undefined {
  return bound.get(devices);
}

/**
 * The stored form of a newly provisioned device's secret: an HMAC under the store's current pepper,
 * or, for a store without a pepper, argon2id (which verifies anywhere and is rewritten once a pepper
 * is configured and the device connects).
 */
export async function hashNewDeviceSecret(devices: object, secret: string): Promise<string> {
  const settings = bound.get(devices);
  return settings ? hashDeviceSecret(secret, settings.peppers.current) : hashSecret(secret);
}
