import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { verifyAgainstDecoy, verifySecret } from '@vigil/auth';
import type { DeviceStore } from '@vigil/stores';
import type { DeviceIdentity } from './registry.ts';

/**
 * Device authentication (contract §1): username = device id, password = the device secret, checked
 * against the stored argon2id hash. A successful check is remembered as an HMAC under a per-process
 * key, so a reconnect storm of a whole facility does not cost ~45 ms of argon2 per device; the memo
 * is bound to the stored hash, so a re-provisioned secret invalidates it. Secrets are 256-bit random
 * values, so a fast MAC of them kept in memory is not brute-forceable.
 */
export class DeviceAuthenticator {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, { secretHash: string; mac: Buffer }>();
  private static readonly MAX_MEMO = 100_000;

  constructor(private readonly devices: DeviceStore) {}

  /** The identity for valid credentials of a device that is not decommissioned; otherwise undefined. */
  async authenticate(username: string | undefined, password: Buffer | undefined): Promise<DeviceIdentity | undefined> {
    if (!username || !password || password.length === 0) return undefined;
    const record = await this.devices.get(username);
    if (!record) {
      // Same cost as a known device: no device-id enumeration by timing.
      await verifyAgainstDecoy(password.toString('utf8'));
      return undefined;
    }
    // contract §1: a decommissioned device is refused like a wrong secret.
    if (record.state === 'decommissioned') return undefined;
    const mac = createHmac('sha256', this.key).update(password).digest();
    const memo = this.verified.get(record.id);
    if (memo && memo.secretHash === record.secretHash && timingSafeEqual(memo.mac, mac)) {
      return { deviceId: record.id, facilityId: record.facilityId };
    }
    if (!(await verifySecret(record.secretHash, password.toString('utf8')))) return undefined;
    if (this.verified.size >= DeviceAuthenticator.MAX_MEMO) this.verified.clear();
    this.verified.set(record.id, { secretHash: record.secretHash, mac });
    return { deviceId: record.id, facilityId: record.facilityId };
  }

  forget(deviceId: string): void {
    this.verified.delete(deviceId);
  }
}
