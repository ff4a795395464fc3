import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { freshIv } from './random-pool.ts';

/**
 * SM4-CTR + HMAC-SM3, encrypt-then-MAC (ENCRYPTION_ALGORITHM=sm4; GB/T 32907 SM4, GB/T 32905 SM3,
 * both in Node's OpenSSL), for deployments that must use the national algorithms. Layout as AES-GCM's:
 * `iv (16) | tag (32) | ciphertext`.
 *
 * - Keys: the 32-byte DEK (or KEK) is not used directly. HKDF with SM3 (RFC 5869) derives an SM4 key
 *   (16 bytes) and a separate HMAC key (32 bytes) from it, with distinct labels, so the cipher and
 *   the MAC never share a key. SM3 rather than SHA-256 keeps the whole path on the national
 *   algorithms, which is why this option exists.
 * - IV: 16 fresh random bytes per seal. CTR counts over the whole 128-bit block, so two seals collide
 *   only if their random counters overlap: negligible for field-sized values.
 * - Tag: the full 32-byte HMAC-SM3 over a domain label, the length of the associated data, the
 *   associated data, the IV and the ciphertext. The callers' associated data names the envelope
 *   format, the algorithm and the key (scope and version), so all of them are authenticated. The tag is
 *   checked in constant time before anything is decrypted.
 */
const IV_BYTES = 16;
const TAG_BYTES = 32;
const SM4_KEY_BYTES = 16;
const MAC_KEY_BYTES = 32;
const HKDF_SALT = Buffer.from('vigil field cipher');
const MAC_DOMAIN = Buffer.from('vigil sm4-ctr hmac-sm3 v1\u0000');

interface Subkeys {
  enc: Buffer;
  mac: Buffer;
}

/** Derived once per key object: the keyring caches its unwrapped keys, so this is hit on every seal. */
const derived = new WeakMap<Buffer, Subkeys>();

function subkeys(key: Buffer): Subkeys {
  let k = derived.get(key);
  if (!k) {
    k = {
      enc: Buffer.from(hkdfSync('sm3', key, HKDF_SALT, 'sm4-ctr encryption', SM4_KEY_BYTES)),
      mac: Buffer.from(hkdfSync('sm3', key, HKDF_SALT, 'hmac-sm3 authentication', MAC_KEY_BYTES)),
    };
    derived.set(key, k);
  }
  return k;
}

function tagOf(macKey: Buffer, aad: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const aadLength = Buffer.alloc(4);
  aadLength.writeUInt32BE(aad.length);
  return createHmac('sm3', macKey)
    .update(MAC_DOMAIN)
    .update(aadLength)
    .update(aad)
    .update(iv)
    .update(ciphertext)
    .digest();
}

export function sm4Seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const { enc, mac } = subkeys(key);
  const iv = freshIv(IV_BYTES);
  const cipher = createCipheriv('sm4-ctr', enc, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, tagOf(mac, aad, iv, body), body]);
}

/** Throws on any mismatch (key, associated data, IV, tag, a ciphertext byte), before decrypting. */
export function sm4Open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value too short');
  const { enc, mac } = subkeys(key);
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const body = sealed.subarray(IV_BYTES + TAG_BYTES);
  if (!timingSafeEqual(tag, tagOf(mac, aad, iv, body))) throw new Error('authentication failed');
  const decipher = createDecipheriv('sm4-ctr', enc, iv);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}
