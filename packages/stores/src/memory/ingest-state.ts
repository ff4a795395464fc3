import type { DeviceCounters, IngestErrorCode } from '@vigil/contracts';
import type { CounterStore, SeqClaim, SeqStore } from '../types.ts';

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

/** A seq's entry: committed, or claimed until `until` (store clock). */
interface SeqEntry {
  committed: boolean;
  until: number;
}

/**
 * Remembers the most recent `capacity` seqs per (device, channel), claimed or committed (two-phase,
 * see `SeqStore`). A device emits at most a few samples a second, so 20,000 covers far more than the
 * 24 h a sample may be late (contract §1.4).
 */
export class MemorySeqStore implements SeqStore {
  private readonly seen = new Map<string, Map<number, SeqEntry>>();
  constructor(
    private readonly now: () => number = Date.now,
    private readonly capacity = 20_000,
  ) {}

  private entries(deviceId: string, channel: string): Map<number, SeqEntry> {
    const key = `${deviceId}\u0000${channel}`;
    let map = this.seen.get(key);
    if (!map) {
      map = new Map();
      this.seen.set(key, map);
    }
    return map;
  }

  async claim(deviceId: string, channel: string, seqs: readonly number[], leaseMs: number): Promise<SeqClaim[]> {
    const map = this.entries(deviceId, channel);
    const now = this.now();
    const inCall = new Set<number>();
    const result = seqs.map((seq): SeqClaim => {
      if (inCall.has(seq)) return 'duplicate';
      inCall.add(seq);
      const e = map.get(seq);
      if (e?.committed) return 'duplicate';
      if (e && e.until > now) return 'busy';
      // An expired claim keeps its place in the order: it was first seen then.
      if (e) e.until = now + leaseMs;
      else map.set(seq, { committed: false, until: now + leaseMs });
      return 'new';
    });
    // Maps iterate in insertion order: drop the oldest entries beyond capacity.
    if (map.size > this.capacity) {
      let excess = map.size - this.capacity;
      for (const s of map.keys()) {
        if (excess-- <= 0) break;
        map.delete(s);
      }
    }
    return result;
  }

  async commit(deviceId: string, channel: string, seqs: readonly number[]): Promise<void> {
    const map = this.entries(deviceId, channel);
    for (const seq of seqs) {
      const e = map.get(seq);
      if (e) e.committed = true;
    }
  }

  async release(deviceId: string, channel: string, seqs: readonly number[]): Promise<void> {
    const map = this.entries(deviceId, channel);
    for (const seq of seqs) if (map.get(seq)?.committed === false) map.delete(seq);
  }
}
