import type { DeviceCounters, IngestErrorCode } from '@vigil/contracts';
import type { CounterStore } from '../types.ts';
import type { Keys, RedisClient } from './script.ts';
import { WriteBehind } from './write-behind.ts';

const REJECTED = 'rejected:';

interface Increments {
  accepted: number;
  duplicates: number;
}

export interface RedisCounterStoreOptions {
  /** How often buffered increments are written out (default 1000 ms); 0 writes every one through. */
  flushMs?: number;
  /** Failures of timed write-outs (tried again). */
  onError: (err: unknown) => void;
}

/**
 * One hash per device, `counters:<deviceId>`: accepted, duplicates, `rejected:<code>`, all HINCRBY.
 *
 * Accepted and duplicate counts change with every sample (issue 12), so they are summed per device
 * in process and written out every `flushMs`, all devices in one pipelined round trip (with the
 * stores' auto-pipelining; on a cluster one per node), and on `flush()` and `close()`. `get` adds what
 * this process has not written out yet, so a process reads its own writes; another process sees them
 * within `flushMs`. Rejections are rare and written at once.
 */
export class RedisCounterStore implements CounterStore {
  private pending = new Map<string, Increments>();
  private readonly writeBehind: WriteBehind;
  private readonly flushMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    opts: RedisCounterStoreOptions,
  ) {
    this.flushMs = opts.flushMs ?? 1000;
    this.writeBehind = new WriteBehind(this.flushMs, () => this.writeOut(), opts.onError);
  }
  private key(deviceId: string) {
    return this.keys.keyFor('counters', deviceId);
  }
  async addAccepted(deviceId: string, n: number) {
    await this.add(deviceId, 'accepted', n);
  }
  async addDuplicates(deviceId: string, n: number) {
    await this.add(deviceId, 'duplicates', n);
  }
  async addRejected(deviceId: string, code: IngestErrorCode, n = 1) {
    await this.redis.hincrby(this.key(deviceId), `${REJECTED}${code}`, n);
  }
  async get(deviceId: string): Promise<DeviceCounters> {
    // Taken as the read is sent: a write-out sent before it is in the reply, one after it is not.
    const local = this.pending.get(deviceId);
    const unwritten = { accepted: local?.accepted ?? 0, duplicates: local?.duplicates ?? 0 };
    const h = await this.redis.hgetall(this.key(deviceId));
    const out: DeviceCounters = {
      accepted: Number(h.accepted ?? 0) + unwritten.accepted,
      duplicates: Number(h.duplicates ?? 0) + unwritten.duplicates,
      rejected: {},
    };
    for (const [field, value] of Object.entries(h)) {
      if (field.startsWith(REJECTED)) out.rejected[field.slice(REJECTED.length) as IngestErrorCode] = Number(value);
    }
    return out;
  }

  /** Writes out the buffered increments. */
  flush(): Promise<void> {
    return this.writeBehind.flush();
  }

  /** Devices with increments not written out yet. */
  get buffered(): number {
    return this.pending.size;
  }

  /** Stops the timed write-outs and writes out what is left (unless `discard`). */
  close(discard = false): Promise<void> {
    return this.writeBehind.close(discard);
  }

  private async add(deviceId: string, field: keyof Increments, n: number) {
    if (n === 0) return;
    if (this.flushMs <= 0) {
      await this.redis.hincrby(this.key(deviceId), field, n);
      return;
    }
    let c = this.pending.get(deviceId);
    if (!c) {
      c = { accepted: 0, duplicates: 0 };
      this.pending.set(deviceId, c);
    }
    c[field] += n;
    this.writeBehind.schedule();
  }

  private async writeOut(): Promise<void> {
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    // Every command is sent before the first reply is awaited: one round trip.
    const writes: { deviceId: string; field: keyof Increments; n: number; done: Promise<number> }[] = [];
    for (const [deviceId, c] of batch) {
      for (const field of ['accepted', 'duplicates'] as const) {
        const n = c[field];
        if (n !== 0) writes.push({ deviceId, field, n, done: this.redis.hincrby(this.key(deviceId), field, n) });
      }
    }
    const results = await Promise.allSettled(writes.map((w) => w.done));
    let failure: unknown;
    results.forEach((r, i) => {
      const w = writes[i];
      if (r.status === 'fulfilled' || !w) return;
      // Not counted in Redis: back into the buffer for the next write-out.
      failure ??= r.reason;
      let c = this.pending.get(w.deviceId);
      if (!c) {
        c = { accepted: 0, duplicates: 0 };
        this.pending.set(w.deviceId, c);
      }
      c[w.field] += w.n;
    });
    if (failure !== undefined) throw failure;
  }
}
