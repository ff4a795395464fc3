import type { Logger } from '@vigil/runtime';
import type { PartitionCheckpointStore, PartitionLeaseStore } from '@vigil/stores';
import type { PartitionOwner } from './owner.ts';
import { PartitionState, type PartitionStateSnapshot, type PartitionStates } from './partition-state.ts';
import type { Lane, UplinkLog } from './uplink-log.ts';

export interface PartitionManagerDeps {
  engineId: string;
  partitions: number;
  leases: PartitionLeaseStore;
  checkpoints: PartitionCheckpointStore;
  log: UplinkLog;
  owner: PartitionOwner;
  /** Where the owned partitions' states live (read by the monitor and the applier). */
  states: PartitionStates;
  logger: Logger;
  /**
   * Whether the log outlives this process (Redis): then state is checkpointed and the log trimmed
   * behind checkpoints; else (memory) applied records are dropped at once and nothing is saved.
   */
  durable: boolean;
  /** Lease length; a dead engine's partitions are taken over within about this plus `tickMs`. */
  leaseMs?: number;
  tickMs?: number;
  checkpointMs?: number;
  /**
   * Writes out what the stores buffer (`Stores.flush`): a checkpoint says every record before its
   * offsets is applied, so their effects (device live fields, counters) must be in the store before
   * it is saved; a takeover replays only what follows.
   */
  flush?: () => Promise<void>;
  /**
   * Drops cached device snapshots (`DeviceStore.forgetCached`): on taking a partition over, its devices'
   * live fields are the previous owner's writes, newer than anything cached here.
   */
  forgetCached?: () => void;
  /** Runs `fn` every `ms` until the returned function is called (real time: leases are). */
  every?: (fn: () => void, ms: number) => () => void;
}

const everyInterval = (fn: () => void, ms: number) => {
  const t = setInterval(fn, ms);
  t.unref?.();
  return () => clearInterval(t);
};

interface Held {
  epoch: number;
  /** Offsets of the last checkpoint saved. */
  saved: Partial<Record<Lane, string>>;
}

/**
 * Which partitions this engine owns (issue 12 "partitioned ownership"). Every tick: heartbeat, then
 * rendezvous hashing over the live engines says which partitions are this engine's. It renews those
 * it holds (one it lost, to an owner after it, it drops at once, unsaved), gives up those now
 * another's (last checkpoint, then release, so the next owner starts exactly there), and takes the
 * free ones that are its own (load the checkpoint, replay the log after it). Checkpoints are written
 * behind: every `checkpointMs`, fenced by the lease epoch.
 */
export class PartitionManager {
  private readonly held = new Map<number, Held>();
  private readonly leaseMs: number;
  private readonly log: Logger;
  private cancelTimers: (() => void)[] = [];
  private ticking: Promise<void> = Promise.resolve();
  private checkpointing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: PartitionManagerDeps) {
    this.leaseMs = deps.leaseMs ?? 5000;
    this.log = deps.logger.child({ module: 'partitions', engineId: deps.engineId });
  }

  /** Takes this engine's share at once, then keeps it up to date. */
  async start(): Promise<void> {
    await this.tick();
    const every = this.deps.every ?? everyInterval;
    this.cancelTimers.push(every(() => void this.tickSafely(), this.deps.tickMs ?? 1000));
    if (this.deps.durable)
      this.cancelTimers.push(every(() => void this.checkpointOnce(), this.deps.checkpointMs ?? 2000));
  }

  /** Checkpoints and releases every partition (a clean stop hands them over without replay). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.cancelTimers.splice(0)) cancel();
    await this.ticking;
    await Promise.all([...this.held.keys()].map((p) => this.giveUp(p)));
    await this.deps.leases.leave(this.deps.engineId).catch((err: unknown) => this.log.warn({ err }, 'leave failed'));
  }

  owned(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  private tickSafely(): Promise<void> {
    this.ticking = this.ticking
      .then(() => (this.stopped ? undefined : this.tick()))
      .catch((err: unknown) => this.log.warn({ err }, 'partition tick failed'));
    return this.ticking;
  }

  private async tick(): Promise<void> {
    const { leases, engineId, partitions } = this.deps;
    const alive = await leases.heartbeat(engineId, this.leaseMs);
    const engines = alive.includes(engineId) ? alive : [...alive, engineId];
    // Every partition at once: on Redis, one pipelined round trip for all renewals, not 64 in a row.
    await Promise.all(
      Array.from({ length: partitions }, async (_, p) => {
        const mine = rendezvous(engines, p) === engineId;
        const held = this.held.get(p);
        if (held) {
          if (!mine) await this.giveUp(p);
          else if (!(await leases.renew(p, engineId, held.epoch, this.leaseMs))) await this.drop(p, 'lease lost');
        } else if (mine) {
          await this.take(p);
        }
      }),
    );
  }

  private async take(partition: number): Promise<void> {
    const epoch = await this.deps.leases.acquire(partition, this.deps.engineId, this.leaseMs);
    if (epoch === undefined) return; // still held by its previous owner: next tick
    this.deps.forgetCached?.();
    const checkpoint = this.deps.durable ? await this.deps.checkpoints.load(partition) : undefined;
    this.deps.states.set(partition, PartitionState.restore(checkpoint?.state as PartitionStateSnapshot | undefined));
    const saved = checkpoint?.offsets ?? {};
    this.held.set(partition, { epoch, saved });
    this.deps.owner.own(partition, saved);
    this.log.debug({ partition, epoch, resumed: checkpoint !== undefined }, 'partition taken');
  }

  private async giveUp(partition: number): Promise<void> {
    const held = this.held.get(partition);
    if (!held) return;
    const offsets = await this.deps.owner.disown(partition);
    if (this.deps.durable) {
      await this.deps.flush?.();
      await this.save(partition, held, offsets);
    }
    this.held.delete(partition);
    this.deps.states.delete(partition);
    await this.deps.leases.release(partition, this.deps.engineId, held.epoch);
    this.log.debug({ partition }, 'partition given up');
  }

  /** Lost to a newer owner: stop at once; what it saved is the newer owner's to resume from. */
  private async drop(partition: number, why: string): Promise<void> {
    this.held.delete(partition);
    await this.deps.owner.disown(partition);
    this.deps.states.delete(partition);
    this.log.warn({ partition, why }, 'partition dropped');
  }

  /**
   * One round of checkpoints at a time: while Redis is away a round waits, and two rounds saving at
   * once could store an older checkpoint after a newer one's trim, so a takeover would skip records.
   */
  private checkpointOnce(): Promise<void> {
    this.checkpointing ??= this.checkpointAll().finally(() => {
      this.checkpointing = undefined;
    });
    return this.checkpointing;
  }

  private async checkpointAll(): Promise<void> {
    const round: { p: number; held: Held; offsets: Partial<Record<Lane, string>>; state: string }[] = [];
    for (const [p, held] of this.held) {
      // State and offsets taken together, between records (the save itself runs after).
      const taken = await this.deps.owner.quiesce(p, (offsets) =>
        offsets.urgent === held.saved.urgent && offsets.routine === held.saved.routine
          ? undefined
          : { offsets, state: JSON.stringify(this.deps.states.get(p).snapshot()) },
      );
      if (taken) round.push({ p, held, ...taken });
    }
    if (round.length === 0) return;
    // Once for the round, after every partition's offsets were taken: what they cover is written out.
    try {
      await this.deps.flush?.();
    } catch (err) {
      this.log.warn({ err }, 'checkpoints skipped: the stores could not write out their buffers');
      return;
    }
    for (const { p, held, offsets, state } of round) {
      await this.save(p, held, offsets, JSON.parse(state)).catch((err: unknown) =>
        this.log.warn({ err, partition: p }, 'checkpoint failed'),
      );
    }
  }

  /** Saves the partition's state as of `offsets` and trims the log behind it; drops it if fenced out. */
  private async save(
    partition: number,
    held: Held,
    offsets: Partial<Record<Lane, string>>,
    state: PartitionStateSnapshot = this.deps.states.get(partition).snapshot(),
  ): Promise<void> {
    const ok = await this.deps.checkpoints.save(partition, { epoch: held.epoch, offsets, state });
    if (!ok) {
      if (this.held.get(partition) === held) await this.drop(partition, 'checkpoint fenced');
      return;
    }
    held.saved = offsets;
    for (const lane of ['urgent', 'routine'] as const) {
      const upTo = offsets[lane];
      if (upTo !== undefined) await this.deps.log.trim(partition, lane, upTo);
    }
  }
}

/** The engine a partition belongs to: highest hash of (engine, partition); stable as engines come and go. */
export function rendezvous(engines: readonly string[], partition: number): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const e of engines) {
    const score = hash32(`${e}#${partition}`);
    if (score > bestScore || (score === bestScore && best !== undefined && e < best)) {
      best = e;
      bestScore = score;
    }
  }
  return best;
}

function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Finalise (murmur3 fmix32): FNV alone clusters on near-identical keys.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
