import type { DeviceCounters, IngestErrorCode } from '@vigil/contracts';
import type { CounterStore } from '../types.ts';

export class MemoryCounterStore implements CounterStore {
  private readonly byDevice = new Map<string, DeviceCounters>();
  private entry(deviceId: string): DeviceCounters {
    let c = this.byDevice.get(deviceId);
    if (!c) {
      c = { accepted: 0, duplicates: 0, rejected: {} };
      this.byDevice.set(deviceId, c);
    }
    return c;
  }
  async addAccepted(deviceId: string, n: number) {
    this.entry(deviceId).accepted += n;
  }
  async addDuplicates(deviceId: string, n: number) {
    this.entry(deviceId).duplicates += n;
  }
  async addRejected(deviceId: string, code: IngestErrorCode, n = 1) {
    const r = this.entry(deviceId).rejected;
    r[code] = (r[code] ?? 0) + n;
  }
  async get(deviceId: string): Promise<DeviceCounters> {
    return structuredClone(this.byDevice.get(deviceId) ?? { accepted: 0, duplicates: 0, rejected: {} });
  }
}
