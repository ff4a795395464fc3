import { newResidentMemory } from '@vigil/rules';
import { MemoryPartitionCheckpointStore, MemoryPartitionLeaseStore, MemoryPartitionLog } from '@vigil/stores';
import { describe, expect, it } from 'vitest';
import { PartitionStates } from './partition-state.ts';
import { partitionOf } from './partitions.ts';
import { PartitionedResidentMemory } from './resident-memory.ts';
import type { UplinkRecord } from './uplink-log.ts';

const PARTITIONS = 8;
const baseline = (mean: number) => ({ mean, variance: 4, firstTs: 0, lastTs: 3_600_000, samples: 61 });
const partitionOfR1 = partitionOf('resident:r1', PARTITIONS);

function setup(owned: number[]) {
  const leases = new MemoryPartitionLeaseStore();
  const checkpoints = new MemoryPartitionCheckpointStore(leases);
  const log = new MemoryPartitionLog<UplinkRecord>();
  const states = new PartitionStates(PARTITIONS);
  const memory = new PartitionedResidentMemory({ states, owned: () => owned, checkpoints, log });
  return { checkpoints, log, states, memory };
}

describe('PartitionedResidentMemory', () => {
  it('reads the owner’s live memory where this process owns the partition', async () => {
    const { states, memory, checkpoints } = setup([partitionOfR1]);
    states.subjectsOf('resident:r1').set('resident:r1', {
      memory: { ...newResidentMemory(), baseline: baseline(61) },
      tracks: {},
    });
    // An older checkpoint says otherwise: the owner's memory is the truth.
    const older = states.get(partitionOfR1).snapshot();
    older.subjects = [['resident:r1', { memory: { ...newResidentMemory(), baseline: baseline(70) }, tracks: {} }]];
    await checkpoints.save(partitionOfR1, { epoch: 1, offsets: {}, state: older });
    expect((await memory.read('r1'))?.baseline?.mean).toBe(61);
    expect(await memory.read('r2')).toBeUndefined();
  });

  it('reads the last checkpoint where another process owns it (a gateway alone owns nothing)', async () => {
    const { states, memory, checkpoints } = setup([]);
    expect(await memory.read('r1')).toBeUndefined();
    const saved = states.get(partitionOfR1).snapshot();
    saved.subjects = [['resident:r1', { memory: { ...newResidentMemory(), baseline: baseline(64) }, tracks: {} }]];
    // Through JSON, as the stores keep it.
    await checkpoints.save(partitionOfR1, { epoch: 1, offsets: {}, state: JSON.parse(JSON.stringify(saved)) });
    expect((await memory.read('r1'))?.baseline).toEqual(baseline(64));
  });

  it('seeds a baseline through the routine lane of the resident’s partition, for its owner to apply', async () => {
    const { log, memory } = setup([]);
    await memory.seedBaseline('r1', 'f1', baseline(60));
    expect(await log.read(partitionOfR1, 'routine', undefined, 10)).toEqual([
      { offset: expect.any(String), record: { kind: 'baseline', residentId: 'r1', baseline: baseline(60) } },
    ]);
    expect(await log.backlog(partitionOfR1, 'urgent')).toBe(0);
  });
});
