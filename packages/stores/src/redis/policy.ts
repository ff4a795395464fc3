import type { FacilityPolicy } from '@vigil/contracts';
import type { PolicyStore } from '../types.ts';
import { policyHistoryKey } from './key-layout.ts';
import { fromJson, type Keys, type RedisClient, toJson } from './script.ts';

/** `policies`: facility id → JSON. */
export class RedisPolicyStore implements PolicyStore {
  private readonly key: string;
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {
    this.key = keys.key('policies');
  }
  async get(facilityId: string) {
    return fromJson<FacilityPolicy>(await this.redis.hget(this.key, facilityId));
  }
  async put(p: FacilityPolicy) {
    const json = toJson(p);
    // Two keys in two slots (the policy hash predates the history), so two commands: a history
    // append that fails after the put loses one entry of the record, never the policy in force.
    await this.redis.hset(this.key, p.facilityId, json);
    await this.redis.rpush(this.historyKey(p.facilityId), json);
  }
  async history(facilityId: string) {
    const all = await this.redis.lrange(this.historyKey(facilityId), 0, -1);
    return all.map((json) => fromJson<FacilityPolicy>(json) as FacilityPolicy);
  }
  private historyKey(facilityId: string) {
    return policyHistoryKey(this.keys, facilityId);
  }
}
