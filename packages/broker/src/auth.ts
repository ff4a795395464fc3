import {
  type DeviceSecretSettings,
  hashDeviceSecret,
  refuseUnknownDevice,
  verifyAgainstDecoy,
  verifyDeviceSecret,
  verifySecret,
} from '@vigil/auth';
import type { DeviceRecord, DeviceStore } from '@vigil/stores';
import type { DeviceIdentity } from './registry.ts';

/**
 * Device authentication (contract §1): username = device id, password = the device secret, checked
 * against the stored hash on every CONNECT. Secrets are 256-bit random values, so the hash is an
 * HMAC-SHA-256 under the server pepper (packages/auth/src/device-secrets.ts): a few microseconds, no
 * per-process memo needed (10,000 devices reconnecting at once no longer wait on argon2id). A hash
 * still in argon2id, or under a previous pepper, verifies the slow way once and is rewritten.
 *
 * The peppers come from the composition root (DEVICE_SECRET_PEPPER); without them, secrets are
 * verified with argon2id only, as before peppers.
 */
export class DeviceAuthenticator {
  constructor(
    private readonly devices: DeviceStore,
    private readonly settings?: DeviceSecretSettings,
  ) {}

  /** The identity for valid credentials of a device that is not decommissioned; otherwise undefined. */
  async authenticate(username: string | undefined, password: Buffer | undefined): Promise<DeviceIdentity | undefined> {
    if (!username || !password || password.length === 0) return undefined;
    const record = await this.devices.get(username);
    // contract §1: unknown and decommissioned devices are refused like a wrong secret, and at the same
    // cost as a known device (no device-id enumeration by timing).
    if (!record || record.state === 'decommissioned') return this.refuse(password);
    const identity = { deviceId: record.id, facilityId: record.facilityId };
    const settings = this.settings;
    if (!settings) return (await verifySecret(record.secretHash, password.toString('utf8'))) ? identity : undefined;
    const verdict = await verifyDeviceSecret(record.secretHash, password, settings.peppers);
    if (verdict === 'invalid') return undefined;
    if (verdict === 'outdated') await this.rewrite(record, password, settings);
    return identity;
  }

  /**
   * Kept for the broker's decommission path: nothing is cached per device any more (every CONNECT
   * reads the store, where decommissioning is recorded), so there is nothing to forget.
   */
  forget(_deviceId: string): void {}

  private async refuse(password: Buffer): Promise<undefined> {
    // Without a pepper every known device costs an argon2id verification, so an unknown one must too.
    if (this.settings) refuseUnknownDevice(password);
    else await verifyAgainstDecoy(password.toString('utf8'));
    return undefined;
  }

  /**
   * Issue 12: an argon2id hash (or one under a previous pepper) becomes the current HMAC at the
   * device's first successful connect, compare-and-set so a re-provisioning meanwhile wins. A failure
   * only means the slow path once more at the next connect: logged, never a refused device.
   */
  private async rewrite(record: DeviceRecord, password: Buffer, settings: DeviceSecretSettings): Promise<void> {
    try {
      const next = hashDeviceSecret(password, settings.peppers.current);
      const changed = await this.devices.setSecretHash(record.id, record.secretHash, next);
      settings.log?.debug({ deviceId: record.id, changed }, 'device secret hash rewritten under the current pepper');
    } catch (err) {
      settings.log?.warn({ err, deviceId: record.id }, 'device secret hash not rewritten; retried at its next connect');
    }
  }
}
