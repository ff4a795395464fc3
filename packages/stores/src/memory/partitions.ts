import type { PartitionCheckpoint, PartitionCheckpointStore, PartitionLeaseStore } from '../types.ts';

/**
 * Leases in one process: what the embedded default runs, the same code as on Redis (STYLE.md §15).
 * Times are the store clock's.
 */
export class MemoryPartitionLeaseStore implements PartitionLeaseStore {
  private readonly alive = new Map<string, number>();
  private readonly leases = new Map<number, { engineId: string; epoch: number; until: number }>();
  private readonly epochs = new Map<number, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async heartbeat(engineId: string, ttlMs: number): Promise<string[]> {
    const now = this.now();
    this.alive.set(engineId, now + ttlMs);
    return [...this.alive]
      .filter(([, until]) => until > now)
      .map(([id]) => id)
      .sort();
  }

  async leave(engineId: string): Promise<void> {
    this.alive.delete(engineId);
  }

  async acquire(partition: number, engineId: string, ttlMs: number): Promise<number | undefined> {
    const held = this.leases.get(partition);
    if (held && held.until > this.now()) return undefined;
    const epoch = (this.epochs.get(partition) ?? 0) + 1;
    this.epochs.set(partition, epoch);
    this.leases.set(partition, { engineId, epoch, until: this.now() + ttlMs });
    return epoch;
  }

  async renew(partition: number, engineId: string, epoch: number, ttlMs: number): Promise<boolean> {
    const held = this.leases.get(partition);
    // Run out while its holder was slow, and nobody took it since: the holder keeps it.
    const mine = held?.engineId === engineId && held.epoch === epoch;
    if (!mine && held !== undefined && held.until > this.now()) return false;
    if (!mine && this.epochOf(partition) !== epoch) return false;
    this.leases.set(partition, { engineId, epoch, until: this.now() + ttlMs });
    return true;
  }

  async release(partition: number, engineId: string, epoch: number): Promise<void> {
    const held = this.leases.get(partition);
    if (held?.engineId === engineId && held.epoch === epoch) this.leases.delete(partition);
  }

  /** The epoch handed out last for a partition (checkpoints are fenced against it). */
  epochOf(partition: number): number {
    return this.epochs.get(partition) ?? 0;
  }
}

export class MemoryPartitionCheckpointStore implements PartitionCheckpointStore {
  private readonly saved = new Map<number, string>();

  constructor(private readonly leases: MemoryPartitionLeaseStore) {}

  async load(partition: number): Promise<PartitionCheckpoint | undefined> {
    const raw = this.saved.get(partition);
    return raw === undefined ? undefined : (JSON.parse(raw) as PartitionCheckpoint);
  }

  async save(partition: number, checkpoint: PartitionCheckpoint): Promise<boolean> {
    if (checkpoint.epoch < this.leases.epochOf(partition)) return false;
    this.saved.set(partition, JSON.stringify(checkpoint));
    return true;
  }
}
