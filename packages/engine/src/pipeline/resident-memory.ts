import type { BaselineState, ResidentMemory } from '@vigil/rules';
import type { PartitionCheckpointStore } from '@vigil/stores';
import type { PartitionStateSnapshot, PartitionStates } from './partition-state.ts';
import { partitionOf } from './partitions.ts';
import type { UplinkLog } from './uplink-log.ts';

/**
 * A resident's rule memory for those outside the engine's loop (the gateway's report and import,
 * issue 15): read, and seeded with baselines learned elsewhere. Hot state lives with its owner
 * (STYLE.md §15), so neither is a store round trip per message: a read takes the owner's memory when
 * this process owns the resident's partition, else the partition's last checkpoint (on Redis, at most
 * a checkpoint interval old; baselines move over hours); a seed goes through the partition log, so
 * the owner applies it in order with everything else.
 */
export interface ResidentMemoryAccess {
  read(residentId: string): Promise<ResidentMemory | undefined>;
  /** Resolves once the seed is in the log: any reading admitted after it is judged with it. */
  seedBaseline(residentId: string, facilityId: string, baseline: BaselineState): Promise<void>;
}

export interface PartitionedResidentMemoryDeps {
  /** The states of the partitions this process owns (the monitor's rule memory). */
  states: PartitionStates;
  /** The partitions this process owns now (`Ingest.owned`); none in a gateway-only process. */
  owned: () => readonly number[];
  checkpoints: Pick<PartitionCheckpointStore, 'load'>;
  log: Pick<UplinkLog, 'append'>;
}

export class PartitionedResidentMemory implements ResidentMemoryAccess {
  constructor(private readonly deps: PartitionedResidentMemoryDeps) {}

  async read(residentId: string): Promise<ResidentMemory | undefined> {
    const key = subjectOf(residentId);
    const partition = partitionOf(key, this.deps.states.partitions);
    if (this.deps.owned().includes(partition)) return this.deps.states.get(partition).subjects.get(key)?.memory;
    const saved = (await this.deps.checkpoints.load(partition))?.state as PartitionStateSnapshot | undefined;
    return saved?.subjects.find(([k]) => k === key)?.[1].memory;
  }

  async seedBaseline(residentId: string, facilityId: string, baseline: BaselineState): Promise<void> {
    const partition = partitionOf(subjectOf(residentId), this.deps.states.partitions);
    // The routine lane, the one the resident's vitals take: the seed is applied before any of them
    // admitted after it.
    await this.deps.log.append(partition, 'routine', { kind: 'baseline', residentId, baseline }, facilityId);
  }
}

/** The subject a resident's rule memory lives under (monitor.ts, partitions.ts `subjectKey`). */
const subjectOf = (residentId: string) => `resident:${residentId}`;
