import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { verifySecret } from './secrets.ts';

/**
 * Device secrets (contract §1) are 256-bit random tokens (`newSecret`), not human passwords: nothing
 * about them can be guessed, so a slow, salted hash buys no security and costs ~45 ms of argon2id per
 * CONNECT (10,000 devices reconnecting took 100 s). They are stored as an HMAC-SHA-256 under a server
 * pepper instead, compared in constant time; argon2id stays for passwords (`secrets.ts`).
 *
 * Stored form: `hmac-sha256$<pepper id>$<mac>`, both base64url. The pepper id is a fingerprint of the
 * pepper (an HMAC of a fixed label under it), so a hash names the pepper it was made with and peppers
 * can rotate: new hashes use the current pepper, hashes under a previous one still verify and are
 * rewritten on the device's next connect, like the argon2id hashes (`$argon2id$…`) made before.
 */
export const DEVICE_SECRET_SCHEME = 'hmac-sha256';
const LEGACY_PREFIX = '$argon2id$';
/** Domain separation: a MAC of a secret can never equal a pepper id, whatever the secret. */
const MAC_LABEL = 'vigil/device-secret\0';
const ID_LABEL = 'vigil/device-secret-pepper-id';
const PEPPER_BYTES = 32;
const MAC_BYTES = 32;
/** 32 bytes in unpadded base64url. */
const MAC_TEXT = /^[A-Za-z0-9_-]{43}$/;

export type DeviceSecretErrorCode = 'bad_pepper';

export class DeviceSecretError extends Error {
  constructor(
    readonly code: DeviceSecretErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DeviceSecretError';
  }
}

/** A pepper and its id. Build with `devicePepper`; the key is never logged. */
export interface DevicePepper {
  readonly id: string;
  readonly key: Buffer;
}

/** The pepper new hashes are made with, and older ones whose hashes still verify (rotation). */
export interface DevicePeppers {
  readonly current: DevicePepper;
  readonly previous: readonly DevicePepper[];
}

/** A pepper from 32 bytes (e.g. DEVICE_SECRET_PEPPER); throws `bad_pepper` for any other length. */
export function devicePepper(key: Buffer): DevicePepper {
  if (key.length !== PEPPER_BYTES)
    throw new DeviceSecretError('bad_pepper', `a device secret pepper is ${PEPPER_BYTES} bytes`);
  const id = createHmac('sha256', key).update(ID_LABEL).digest().subarray(0, 6).toString('base64url');
  return { id, key: Buffer.from(key) };
}

/** Peppers newest first (the first is current), as configured; at least one. */
export function devicePeppers(keys: readonly Buffer[]): DevicePeppers {
  const [first, ...rest] = keys;
  if (!first) throw new DeviceSecretError('bad_pepper', 'at least one device secret pepper is needed');
  return { current: devicePepper(first), previous: rest.map(devicePepper) };
}

/** A fresh random pepper, for stores that live and die with the process (memory). */
export function randomDevicePeppers(): DevicePeppers {
  return devicePeppers([randomBytes(PEPPER_BYTES)]);
}

function mac(secret: string | Buffer, pepper: DevicePepper): Buffer {
  return createHmac('sha256', pepper.key).update(MAC_LABEL).update(secret).digest();
}

/** The stored form of a device secret under `pepper`. Deterministic: the secret is random already. */
export function hashDeviceSecret(secret: string | Buffer, pepper: DevicePepper): string {
  return `${DEVICE_SECRET_SCHEME}$${pepper.id}$${mac(secret, pepper).toString('base64url')}`;
}

/**
 * `valid`: the secret matches and its hash is in the current form. `outdated`: it matches, but the
 * hash is argon2id or under a previous pepper, so the caller should store `hashDeviceSecret(secret,
 * peppers.current)` in its place. `invalid`: anything else, a malformed or tampered hash included
 * (never a throw).
 */
export type DeviceSecretVerdict = 'valid' | 'outdated' | 'invalid';

export async function verifyDeviceSecret(
  stored: string,
  secret: string | Buffer,
  peppers: DevicePeppers,
): Promise<DeviceSecretVerdict> {
  if (stored.startsWith(LEGACY_PREFIX)) {
    const plain = typeof secret === 'string' ? secret : secret.toString('utf8');
    return (await verifySecret(stored, plain)) ? 'outdated' : 'invalid';
  }
  return verifyMac(stored, secret, peppers);
}

/** The HMAC forms only: no argon2id, so always cheap (also what `refuseUnknownDevice` costs). */
export function verifyMac(stored: string, secret: string | Buffer, peppers: DevicePeppers): DeviceSecretVerdict {
  const [scheme, id, text, extra] = stored.split('$');
  if (scheme !== DEVICE_SECRET_SCHEME || text === undefined || extra !== undefined || !MAC_TEXT.test(text)) {
    return 'invalid';
  }
  const pepper = id === peppers.current.id ? peppers.current : peppers.previous.find((p) => p.id === id);
  if (!pepper) return 'invalid';
  const expected = Buffer.from(text, 'base64url');
  if (expected.length !== MAC_BYTES || !timingSafeEqual(expected, mac(secret, pepper))) return 'invalid';
  return pepper === peppers.current ? 'valid' : 'outdated';
}

/** A MAC of random bytes under no real pepper: what an unknown device is compared against. */
const DUMMY_PEPPER = devicePepper(randomBytes(PEPPER_BYTES));
const DUMMY_HASH = hashDeviceSecret(randomBytes(PEPPER_BYTES), DUMMY_PEPPER);
const DUMMY_PEPPERS: DevicePeppers = { current: DUMMY_PEPPER, previous: [] };

/**
 * For an unknown (or refused) device: the same HMAC and constant-time compare a known device costs,
 * so its answer time does not tell which device ids exist, and no argon2id work for anyone who has
 * not proven a secret (an unauthenticated CONNECT flood cannot buy 45 ms of CPU per packet).
 */
export function refuseUnknownDevice(secret: string | Buffer): false {
  verifyMac(DUMMY_HASH, secret, DUMMY_PEPPERS);
  return false;
}
