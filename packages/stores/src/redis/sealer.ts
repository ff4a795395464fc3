import type { FieldCipher, SealContext } from '../crypto/field-cipher.ts';
import { residentKeys } from './key-layout.ts';
import { type Keys, toJson, type RedisClient } from './script.ts';

/** DEK scope of health data with no facility known (rule memory of non-resident subjects, unknown residents). */
export const DEPLOYMENT_SCOPE = '_deployment';

/**
 * How the Redis stores write health-bearing JSON ("health data is encrypted at rest"): sealed by the
 * field cipher when encryption is on, plain JSON otherwise (unchanged behaviour and data).
 * The vitals history and rule memory are keyed by resident, not facility: `{residents}:facility` (a
 * plaintext index resident id → facility id, written by the resident store) names their DEK, cached
 * in process.
 */
export class Sealer {
  private readonly residentFacility: string;
  private readonly facilityOf = new Map<string, string>();

  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    private readonly cipher?: FieldCipher,
  ) {
    this.residentFacility = residentKeys(keys).facilityOf;
  }

  get enabled(): boolean {
    return this.cipher !== undefined;
  }

  async seal(scope: string, ctx: SealContext, value: unknown): Promise<string> {
    const json = toJson(value);
    return this.cipher ? this.cipher.seal(scope, ctx, json) : json;
  }

  async open<T>(ctx: SealContext, raw: string | null | undefined): Promise<T | undefined> {
    if (raw === null || raw === undefined) return undefined;
    return JSON.parse(this.cipher ? await this.cipher.open(ctx, raw) : raw) as T;
  }

  /** Records which facility's DEK seals a resident's vitals and rule memory. */
  async rememberResident(residentId: string, facilityId: string): Promise<void> {
    if (!this.cipher || this.facilityOf.get(residentId) === facilityId) return;
    await this.redis.hset(this.residentFacility, residentId, facilityId);
    this.facilityOf.set(residentId, facilityId);
  }

  /** The DEK scope of a resident's data: its facility, or the deployment scope when unknown. */
  async residentScope(residentId: string): Promise<string> {
    if (!this.cipher) return DEPLOYMENT_SCOPE;
    const cached = this.facilityOf.get(residentId);
    if (cached !== undefined) return cached;
    const facilityId = await this.redis.hget(this.residentFacility, residentId);
    if (facilityId === null) return DEPLOYMENT_SCOPE;
    this.facilityOf.set(residentId, facilityId);
    return facilityId;
  }
}
