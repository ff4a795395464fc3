import type { EncryptionAlgorithm } from './algorithms.ts';
import { isEncryptionAlgorithm } from './algorithms.ts';

/**
 * The sealed form of a field value (docs/deploy.md "Encryption at rest"):
 *
 * - format 1, `enc1:<key version>:<scope>:<base64 iv|tag|ciphertext>`: AES-256-GCM, what every version
 *   before ENCRYPTION_ALGORITHM wrote, and still what AES-256-GCM writes (older processes read it);
 * - format 2, `enc2:<algorithm>:<key version>:<scope>:<base64 iv|tag|ciphertext>`: the algorithm named,
 *   `sm4` (SM4-CTR + HMAC-SM3).
 *
 * The scope (facility id, URI-encoded) and key version say which DEK opens it, so reading needs no
 * lookup. JSON never starts with `enc`, so values written before encryption was on are told apart.
 */
export interface Envelope {
  format: 1 | 2;
  algorithm: EncryptionAlgorithm;
  version: number;
  scope: string;
  body: Buffer;
}

const FORMAT_1 = 'enc1:';
const FORMAT_2 = 'enc2:';

export const isSealed = (raw: string) => raw.startsWith(FORMAT_1) || raw.startsWith(FORMAT_2);

/** Format 1 for AES-256-GCM (readable by every version), format 2 for the others. */
export function formatEnvelope(e: Omit<Envelope, 'format'>): string {
  const tail = `${e.version}:${encodeURIComponent(e.scope)}:${e.body.toString('base64')}`;
  return e.algorithm === 'aes-256-gcm' ? `${FORMAT_1}${tail}` : `${FORMAT_2}${e.algorithm}:${tail}`;
}

/** The parts of a sealed value, or the reason it is malformed (never the value). */
export function parseEnvelope(raw: string): Envelope | string {
  const format = raw.startsWith(FORMAT_1) ? 1 : raw.startsWith(FORMAT_2) ? 2 : undefined;
  if (format === undefined) return 'not sealed';
  const parts = raw.slice(FORMAT_1.length).split(':');
  const alg = format === 1 ? 'aes-256-gcm' : parts.shift();
  if (alg === undefined || !isEncryptionAlgorithm(alg)) return 'unknown algorithm';
  const [versionText, scopeText, bodyText] = parts;
  const version = Number(versionText);
  const scope = safeDecode(scopeText);
  if (parts.length !== 3 || !Number.isInteger(version) || version < 1 || scope === undefined) return 'malformed header';
  return { format, algorithm: alg, version, scope, body: Buffer.from(bodyText ?? '', 'base64') };
}

function safeDecode(s: string | undefined) {
  if (s === undefined) return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
