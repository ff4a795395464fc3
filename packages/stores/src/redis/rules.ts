import type { RuleSettings } from '@vigil/contracts';
import type { RuleSettingsStore, RuleStateStore } from '../types.ts';
import { fromJson, type Keys, toJson, type RedisClient } from './script.ts';
import { DEPLOYMENT_SCOPE, type Sealer } from './sealer.ts';

/** `rule-settings`: facility id → JSON. */
export class RedisRuleSettingsStore implements RuleSettingsStore {
  private readonly key: string;
  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
  ) {
    this.key = keys.key('rule-settings');
  }
  async get(facilityId: string) {
    return fromJson<RuleSettings>(await this.redis.hget(this.key, facilityId));
  }
  async put(settings: RuleSettings) {
    await this.redis.hset(this.key, settings.facilityId, toJson(settings));
  }
}

/**
 * Keys of a resident's rule state (engine monitor: `resident:<id>`, and `resident:<id>:<what>` such
 * as the risk levels announced); ids have no `:` (contracts `Id`).
 */
const RESIDENT_SUBJECT = /^resident:([^:]+)(?::|$)/;

/**
 * `rule-state`: subject key → JSON, as the memory store keeps it. With encryption on, each value
 * (learned baselines, recent vital points) is sealed: a resident's with its facility's DEK, any other
 * subject's with the deployment's.
 */
export class RedisRuleStateStore implements RuleStateStore {
  private readonly key: string;
  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    private readonly sealer?: Sealer,
  ) {
    this.key = keys.key('rule-state');
  }
  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.hget(this.key, key);
    return this.sealer ? this.sealer.open<T>({ kind: 'rule-state', id: key, field: 'value' }, raw) : fromJson<T>(raw);
  }
  async put<T>(key: string, value: T) {
    // JSON has no `undefined`: storing it reads back as absent, as in memory.
    if (value === undefined) await this.redis.hdel(this.key, key);
    else await this.redis.hset(this.key, key, await this.encode(key, value));
  }
  private async encode(key: string, value: unknown) {
    if (!this.sealer) return toJson(value);
    const resident = RESIDENT_SUBJECT.exec(key)?.[1];
    const scope = resident === undefined ? DEPLOYMENT_SCOPE : await this.sealer.residentScope(resident);
    return this.sealer.seal(scope, { kind: 'rule-state', id: key, field: 'value' }, value);
  }
}
