import { randomBytes } from 'node:crypto';
import type { Keys, RedisClient } from '../redis/script.ts';
import { KEY_BYTES } from './aead.ts';
import {
  DEFAULT_ENCRYPTION_ALGORITHM,
  type EncryptionAlgorithm,
  isEncryptionAlgorithm,
  openWith,
  sealWith,
} from './algorithms.ts';
import { FieldCipherError } from './errors.ts';

/** Version of newly generated DEKs. Rotation (not automated yet) adds version 2 and re-seals. */
export const CURRENT_KEY_VERSION = 1;
/**
 * The stored form of a wrapped key names how it was wrapped, so a KEK rotation can re-wrap in place
 * later and a switch of algorithm leaves the keys wrapped before readable: `kek1:<base64>` is
 * AES-256-GCM (as before ENCRYPTION_ALGORITHM), `kek2:<algorithm>:<base64>` any other.
 */
const WRAP_1 = 'kek1:';
const WRAP_2 = 'kek2:';
const KEK_CHECK = 'vigil kek check';

export interface Dek {
  version: number;
  key: Buffer;
}

/**
 * Data-encryption keys, one per scope (a facility id) and version, generated on first use and kept in
 * Redis wrapped by the KEK with the configured algorithm: `keys:dek:<scope>:<version>` =
 * `kek1:<base64 iv|tag|ciphertext>` (AES-256-GCM) or `kek2:sm4:<base64 …>`, the AAD
 * binding scope and version so a wrapped key copied onto another facility fails to unwrap. First use
 * is `SET NX`: two processes racing both generate, one write wins, the loser re-reads and uses that.
 * Unwrapped keys are cached in process.
 */
export class DekKeyring {
  private readonly cache = new Map<string, Promise<Buffer>>();
  private readonly algorithm: EncryptionAlgorithm;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly kek: Buffer,
    opts: { algorithm?: EncryptionAlgorithm } = {},
  ) {
    this.algorithm = opts.algorithm ?? DEFAULT_ENCRYPTION_ALGORITHM;
    if (kek.length !== KEY_BYTES) {
      throw new FieldCipherError('bad_key', `the key-encryption key must be ${KEY_BYTES} bytes (got ${kek.length})`);
    }
  }

  /**
   * Fails fast on a wrong KEK, at start rather than at the first read: `keys:kek-check` holds a
   * constant wrapped by the KEK of the first start (`SET NX`), and every later start must open it.
   */
  async verify(): Promise<void> {
    const key = this.keys.key('keys', 'kek-check');
    const mine = this.wrap(Buffer.from(KEK_CHECK), ['kek-check']);
    if ((await this.redis.set(key, mine, 'NX')) === 'OK') return;
    const stored = (await this.redis.get(key)) ?? mine;
    try {
      this.unwrapWith(stored, ['kek-check']);
    } catch {
      throw new FieldCipherError(
        'key_unwrap_failed',
        'the key-encryption key is not the one the data in this Redis was sealed with (wrong ENCRYPTION_KEY?)',
      );
    }
  }

  /** The current DEK of a scope, created on first use. */
  async current(scope: string): Promise<Dek> {
    return { version: CURRENT_KEY_VERSION, key: await this.get(scope, CURRENT_KEY_VERSION, true) };
  }

  /** The DEK a sealed value names; never creates one. */
  async version(scope: string, version: number): Promise<Buffer> {
    return this.get(scope, version, version === CURRENT_KEY_VERSION);
  }

  private get(scope: string, version: number, create: boolean): Promise<Buffer> {
    const id = `${scope}\u0000${version}`;
    let p = this.cache.get(id);
    if (!p) {
      p = this.load(scope, version, create);
      this.cache.set(id, p);
      // A failure (Redis down, wrong KEK) is not cached: the next use tries again.
      p.catch(() => this.cache.delete(id));
    }
    return p;
  }

  private async load(scope: string, version: number, create: boolean): Promise<Buffer> {
    const key = this.keys.keyFor('keys', 'dek', scope, String(version));
    let wrapped = await this.redis.get(key);
    if (wrapped === null && create) {
      const dek = randomBytes(KEY_BYTES);
      const mine = this.wrap(dek, ['dek', scope, version]);
      // [field encryption] one DEK per facility: only the first writer's key is ever used.
      if ((await this.redis.set(key, mine, 'NX')) === 'OK') return dek;
      wrapped = await this.redis.get(key);
    }
    if (wrapped === null) {
      throw new FieldCipherError('decrypt_failed', `no data-encryption key version ${version} for facility ${scope}`);
    }
    return this.unwrap(scope, version, wrapped);
  }

  private unwrap(scope: string, version: number, wrapped: string): Buffer {
    try {
      return this.unwrapWith(wrapped, ['dek', scope, version]);
    } catch {
      throw new FieldCipherError(
        'key_unwrap_failed',
        `the data-encryption key version ${version} of facility ${scope} does not open with this key-encryption key (wrong ENCRYPTION_KEY?)`,
      );
    }
  }

  /** Wrapped with the configured algorithm; format 1 keeps its original AAD (keys wrapped before open). */
  private wrap(secret: Buffer, context: unknown[]): string {
    if (this.algorithm === 'aes-256-gcm')
      return WRAP_1 + sealWith('aes-256-gcm', this.kek, secret, wrapAad(1, 'aes-256-gcm', context)).toString('base64');
    const body = sealWith(this.algorithm, this.kek, secret, wrapAad(2, this.algorithm, context));
    return `${WRAP_2}${this.algorithm}:${body.toString('base64')}`;
  }

  /** Whichever algorithm wrapped it; throws if it does not open with this KEK. */
  private unwrapWith(stored: string, context: unknown[]): Buffer {
    if (stored.startsWith(WRAP_1))
      return openWith(
        'aes-256-gcm',
        this.kek,
        Buffer.from(stored.slice(WRAP_1.length), 'base64'),
        wrapAad(1, 'aes-256-gcm', context),
      );
    if (!stored.startsWith(WRAP_2)) throw new Error('unknown wrapping');
    const rest = stored.slice(WRAP_2.length);
    const at = rest.indexOf(':');
    const alg = rest.slice(0, at);
    if (at < 0 || !isEncryptionAlgorithm(alg)) throw new Error('unknown wrapping algorithm');
    return openWith(alg, this.kek, Buffer.from(rest.slice(at + 1), 'base64'), wrapAad(2, alg, context));
  }
}

function wrapAad(format: 1 | 2, alg: EncryptionAlgorithm, context: unknown[]): Buffer {
  return Buffer.from(JSON.stringify(format === 1 ? context : [`kek${format}`, alg, ...context]));
}
