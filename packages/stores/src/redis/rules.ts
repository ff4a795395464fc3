import type { RuleSettings } from '@vigil/contracts';
import type { Redis } from 'ioredis';
import type { RuleSettingsStore, RuleStateStore } from '../types.ts';
import { fromJson, type Keys, toJson } from './script.ts';

/** `rule-settings`: facility id → JSON. */
export class RedisRuleSettingsStore implements RuleSettingsStore {
  private readonly key: string;
  constructor(
    private readonly redis: Redis,
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

/** `rule-state`: subject key → JSON, as the memory store keeps it. */
export class RedisRuleStateStore implements RuleStateStore {
  private readonly key: string;
  constructor(
    private readonly redis: Redis,
    keys: Keys,
  ) {
    this.key = keys.key('rule-state');
  }
  async get<T>(key: string): Promise<T | undefined> {
    return fromJson<T>(await this.redis.hget(this.key, key));
  }
  async put<T>(key: string, value: T) {
    // JSON has no `undefined`: storing it reads back as absent, as in memory.
    if (value === undefined) await this.redis.hdel(this.key, key);
    else await this.redis.hset(this.key, key, toJson(value));
  }
}
