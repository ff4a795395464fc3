import type { DeviceCounters, IngestErrorCode } from '@vigil/contracts';
import type { CounterStore } from '../types.ts';
import type { Keys, RedisClient } from './script.ts';

const REJECTED = 'rejected:';

/** One hash per device, `counters:<deviceId>`: accepted, duplicates, `rejected:<code>`, all HINCRBY. */
export class RedisCounterStore implements CounterStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}
  private key(deviceId: string) {
    return this.keys.keyFor('counters', deviceId);
  }
  async addAccepted(deviceId: string, n: number) {
    await this.redis.hincrby(this.key(deviceId), 'accepted', n);
  }
  async addDuplicates(deviceId: string, n: number) {
    await this.redis.hincrby(this.key(deviceId), 'duplicates', n);
  }
  async addRejected(deviceId: string, code: IngestErrorCode, n = 1) {
    await this.redis.hincrby(this.key(deviceId), `${REJECTED}${code}`, n);
  }
  async get(deviceId: string): Promise<DeviceCounters> {
    const h = await this.redis.hgetall(this.key(deviceId));
    const out: DeviceCounters = {
      accepted: Number(h.accepted ?? 0),
      duplicates: Number(h.duplicates ?? 0),
      rejected: {},
    };
    for (const [field, value] of Object.entries(h)) {
      if (field.startsWith(REJECTED)) out.rejected[field.slice(REJECTED.length) as IngestErrorCode] = Number(value);
    }
    return out;
  }
}
