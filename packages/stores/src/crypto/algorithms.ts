import { getCiphers, getHashes } from 'node:crypto';
import { gcmOpen, gcmSeal } from './aead.ts';
import { sm4Open, sm4Seal } from './sm4-etm.ts';

/**
 * The ciphers a field can be sealed with (ENCRYPTION_ALGORITHM). Every sealed value and wrapped key
 * names its algorithm, so switching seals new values with the new one while the old still open.
 */
export const ENCRYPTION_ALGORITHMS = ['aes-256-gcm', 'sm4'] as const;
export type EncryptionAlgorithm = (typeof ENCRYPTION_ALGORITHMS)[number];
export const DEFAULT_ENCRYPTION_ALGORITHM: EncryptionAlgorithm = 'aes-256-gcm';

export const isEncryptionAlgorithm = (s: string): s is EncryptionAlgorithm =>
  (ENCRYPTION_ALGORITHMS as readonly string[]).includes(s);

/** Whether this Node's OpenSSL has what the algorithm needs (a FIPS build may lack SM4 and SM3). */
export function algorithmAvailable(alg: EncryptionAlgorithm): boolean {
  if (alg === 'aes-256-gcm') return getCiphers().includes('aes-256-gcm');
  return getCiphers().includes('sm4-ctr') && getHashes().includes('sm3');
}

/** `iv | tag | ciphertext` under `alg`; the associated data is authenticated, not stored. */
export function sealWith(alg: EncryptionAlgorithm, key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  return alg === 'sm4' ? sm4Seal(key, plaintext, aad) : gcmSeal(key, plaintext, aad);
}

/** Throws on anything that does not authenticate. */
export function openWith(alg: EncryptionAlgorithm, key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  return alg === 'sm4' ? sm4Open(key, sealed, aad) : gcmOpen(key, sealed, aad);
}
