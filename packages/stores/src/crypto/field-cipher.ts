import { gcmOpen, gcmSeal } from './aead.ts';
import { FieldCipherError } from './errors.ts';
import type { DekKeyring } from './keyring.ts';

/** Which field of which record a value is: bound into the AAD, so a value moved elsewhere fails. */
export interface SealContext {
  /** Record kind: `alert`, `task`, `resident`, `vitals`, … */
  kind: string;
  id: string;
  field: string;
}

/**
 * Sealed form, format 1: `enc1:<key version>:<scope>:<base64 iv|tag|ciphertext>`. The scope (facility
 * id, URI-encoded) and key version say which DEK opens it, so reading needs no lookup and a later
 * rotation can tell old values from new. JSON never starts with `enc1:`, so values written before
 * encryption was on are told apart and read as they are.
 */
const PREFIX = 'enc1:';

export const isSealed = (raw: string) => raw.startsWith(PREFIX);

/**
 * AES-256-GCM envelope over field values (dependencies.md "field encryption"): DEK per facility from
 * the keyring, AAD = record kind + record id + field + scope + key version.
 */
export class FieldCipher {
  constructor(private readonly keyring: DekKeyring) {}

  async seal(scope: string, ctx: SealContext, plaintext: string): Promise<string> {
    const dek = await this.keyring.current(scope);
    const body = gcmSeal(dek.key, Buffer.from(plaintext, 'utf8'), aad(ctx, scope, dek.version));
    return `${PREFIX}${dek.version}:${encodeURIComponent(scope)}:${body.toString('base64')}`;
  }

  /** Opens a sealed value; a value that is not sealed (written before encryption was on) is returned as is. */
  async open(ctx: SealContext, raw: string): Promise<string> {
    if (!isSealed(raw)) return raw;
    const parts = raw.slice(PREFIX.length).split(':');
    const version = Number(parts[0]);
    const scope = safeDecode(parts[1]);
    if (parts.length !== 3 || !Number.isInteger(version) || version < 1 || scope === undefined) {
      throw failed(ctx, 'malformed header');
    }
    const key = await this.keyring.version(scope, version);
    try {
      return gcmOpen(key, Buffer.from(parts[2] ?? '', 'base64'), aad(ctx, scope, version)).toString('utf8');
    } catch {
      throw failed(ctx, 'authentication failed');
    }
  }
}

function aad(ctx: SealContext, scope: string, version: number) {
  return Buffer.from(JSON.stringify([ctx.kind, ctx.id, ctx.field, scope, version]));
}

function failed(ctx: SealContext, why: string) {
  return new FieldCipherError('decrypt_failed', `cannot open ${ctx.kind} ${ctx.id} field ${ctx.field}: ${why}`);
}

function safeDecode(s: string | undefined) {
  if (s === undefined) return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
