import { randomBytes } from 'node:crypto';

/**
 * The client ids of the platform's own connections to an external broker. Devices are bound to
 * client id = device id (contract §1), and Mosquitto drops the older connection of a client id
 * when another connects with it, so no device id may ever equal one of these: a device named like
 * an engine's consumer would otherwise take over its persistent session (and what is queued in it).
 * `MosquittoProvisioner.provisionDevice` therefore refuses device ids under these prefixes.
 */
const ENGINE = 'vigil-engine-';
const GATEWAY = 'vigil-gateway-';
const PROVISIONER = 'vigil-provisioner-';
export const PLATFORM_CLIENT_ID_PREFIXES = [ENGINE, GATEWAY, PROVISIONER] as const;

/** Fresh for each process: a clean session that never collides with another process's. */
export const randomSuffix = (): string => randomBytes(6).toString('hex');

/**
 * The client id of an engine's consumer: the urgent lane's, or routine consumer `n`'s. Stable, so a
 * restart under the same identity resumes the session.
 */
export function consumerClientId(engineId: string, slot: number | 'urgent'): string {
  return `${ENGINE}${engineId}-${slot}`;
}

/** An engine's downlink connection: nothing of its session is worth keeping, so never stable. */
export const downlinkClientId = (engineId: string): string => `${ENGINE}${engineId}-down-${randomSuffix()}`;
export const gatewayClientId = (): string => `${GATEWAY}${randomSuffix()}`;
export const provisionerClientId = (): string => `${PROVISIONER}${randomSuffix()}`;

/** True for an id the platform's own connections may use (so never a device's). */
export function isPlatformClientId(id: string): boolean {
  return PLATFORM_CLIENT_ID_PREFIXES.some((prefix) => id.startsWith(prefix));
}
