import type { DeviceCounters, IngestErrorCode } from '@vigil/contracts';
import type { CounterStore, SeqStore } from '../types.ts';

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

/**
 * Remembers the most recent `capacity` seqs per (device, channel). A device emits at most a few
 * samples a second, so 20,000 covers far more than the 24 h a sample may be late (contract §1.4).
 */
export class MemorySeqStore implements SeqStore {
  private readonly seen = new Map<string, Set<number>>();
  constructor(private readonly capacity = 20_000) {}

  async claim(deviceId: string, channel: string, seqs: readonly number[]): Promise<boolean[]> {
    const key = `${deviceId}\u0000${channel}`;
    let set = this.seen.get(key);
    if (!set) {
      set = new Set();
      this.seen.set(key, set);
    }
    const result = seqs.map((seq) => {
      if (set.has(seq)) return false;
      set.add(seq);
      return true;
    });
    // Sets iterate in insertion order: drop the oldest entries beyond capacity.
    if (set.size > this.capacity) {
      let excess = set.size - this.capacity;
      for (const s of set) {
        if (excess-- <= 0) break;
        set.delete(s);
      }
    }
    return result;
  }
}
