import { DEFAULT_ENCRYPTION_ALGORITHM, type EncryptionAlgorithm, openWith, sealWith } from './algorithms.ts';
import { type Envelope, formatEnvelope, isSealed, parseEnvelope } from './envelope.ts';
import { FieldCipherError } from './errors.ts';
import type { DekKeyring } from './keyring.ts';

export { isSealed } from './envelope.ts';

/** Which field of which record a value is: bound into the AAD, so a value moved elsewhere fails. */
export interface SealContext {
  /** Record kind: `alert`, `task`, `resident`, `vitals`, … */
  kind: string;
  id: string;
  field: string;
}

/**
 * Envelope encryption of field values (dependencies.md "field encryption"): DEK per facility from the
 * keyring, sealed with the configured algorithm (AES-256-GCM, or SM4-CTR + HMAC-SM3), the associated
 * data binding record kind + record id + field + scope + key version (and, in format 2, the format and
 * algorithm). Any algorithm opens whatever the configuration: a switch seals new values with the new
 * one while the old stay readable, and `reseal` moves a value over.
 */
export class FieldCipher {
  private readonly algorithm: EncryptionAlgorithm;

  constructor(
    private readonly keyring: DekKeyring,
    opts: { algorithm?: EncryptionAlgorithm } = {},
  ) {
    this.algorithm = opts.algorithm ?? DEFAULT_ENCRYPTION_ALGORITHM;
  }

  async seal(scope: string, ctx: SealContext, plaintext: string): Promise<string> {
    const dek = await this.keyring.current(scope);
    const algorithm = this.algorithm;
    const format = algorithm === 'aes-256-gcm' ? 1 : 2;
    const body = sealWith(
      algorithm,
      dek.key,
      Buffer.from(plaintext, 'utf8'),
      aad(ctx, { format, algorithm, scope, version: dek.version }),
    );
    return formatEnvelope({ algorithm, version: dek.version, scope, body });
  }

  /** Opens a sealed value; a value that is not sealed (written before encryption was on) is returned as is. */
  async open(ctx: SealContext, raw: string): Promise<string> {
    if (!isSealed(raw)) return raw;
    const e = parseEnvelope(raw);
    if (typeof e === 'string') throw failed(ctx, e);
    const key = await this.keyring.version(e.scope, e.version);
    try {
      return openWith(e.algorithm, key, e.body, aad(ctx, e)).toString('utf8');
    } catch {
      throw failed(ctx, `authentication failed (${e.algorithm})`);
    }
  }

  /**
   * Rotation of one value: the value sealed again under the configured algorithm and the current key
   * of `scope`, or undefined when it already is (a plaintext value from before encryption is sealed).
   * Throws as `open` does on a value that does not authenticate.
   */
  async reseal(scope: string, ctx: SealContext, raw: string): Promise<string | undefined> {
    if (isSealed(raw)) {
      const e = parseEnvelope(raw);
      const current = await this.keyring.current(scope);
      if (typeof e !== 'string' && e.algorithm === this.algorithm && e.scope === scope && e.version === current.version)
        return undefined;
    }
    return this.seal(scope, ctx, await this.open(ctx, raw));
  }
}

/** Format 1 keeps its original associated data, so values sealed before this change still open. */
function aad(ctx: SealContext, e: Pick<Envelope, 'format' | 'algorithm' | 'scope' | 'version'>) {
  const fields = [ctx.kind, ctx.id, ctx.field, e.scope, e.version];
  return Buffer.from(JSON.stringify(e.format === 1 ? fields : [`enc${e.format}`, e.algorithm, ...fields]));
}

function failed(ctx: SealContext, why: string) {
  return new FieldCipherError('decrypt_failed', `cannot open ${ctx.kind} ${ctx.id} field ${ctx.field}: ${why}`);
}
