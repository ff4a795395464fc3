import { randomBytes } from 'node:crypto';
import type { Keys, RedisClient } from '../redis/script.ts';
import { gcmOpen, gcmSeal, KEY_BYTES } from './aead.ts';
import { FieldCipherError } from './errors.ts';

/** Version of newly generated DEKs. Rotation (not automated yet) adds version 2 and re-seals. */
export const CURRENT_KEY_VERSION = 1;
/** Version of the KEK wrapping, in the stored form, so a KEK rotation can re-wrap in place later. */
const WRAP_PREFIX = 'kek1:';
const KEK_CHECK = 'vigil kek check';

export interface Dek {
  version: number;
  key: Buffer;
}

/**
 * Data-encryption keys, one per scope (a facility id) and version, generated on first use and kept in
 * Redis wrapped by the KEK: `keys:dek:<scope>:<version>` = `kek1:<base64 iv|tag|ciphertext>`, the AAD
 * binding scope and version so a wrapped key copied onto another facility fails to unwrap. First use
 * is `SET NX`: two processes racing both generate, one write wins, the loser re-reads and uses that.
 * Unwrapped keys are cached in process.
 */
export class DekKeyring {
  private readonly cache = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly kek: Buffer,
  ) {
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
    const aad = Buffer.from(JSON.stringify(['kek-check']));
    const mine = WRAP_PREFIX + gcmSeal(this.kek, Buffer.from(KEK_CHECK), aad).toString('base64');
    if ((await this.redis.set(key, mine, 'NX')) === 'OK') return;
    const stored = (await this.redis.get(key)) ?? mine;
    try {
      if (!stored.startsWith(WRAP_PREFIX)) throw new Error('unknown wrapping');
      gcmOpen(this.kek, Buffer.from(stored.slice(WRAP_PREFIX.length), 'base64'), aad);
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
      const mine = WRAP_PREFIX + gcmSeal(this.kek, dek, this.aad(scope, version)).toString('base64');
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
      if (!wrapped.startsWith(WRAP_PREFIX)) throw new Error('unknown wrapping');
      return gcmOpen(this.kek, Buffer.from(wrapped.slice(WRAP_PREFIX.length), 'base64'), this.aad(scope, version));
    } catch {
      throw new FieldCipherError(
        'key_unwrap_failed',
        `the data-encryption key version ${version} of facility ${scope} does not open with this key-encryption key (wrong ENCRYPTION_KEY?)`,
      );
    }
  }

  private aad(scope: string, version: number) {
    return Buffer.from(JSON.stringify(['dek', scope, version]));
  }
}
