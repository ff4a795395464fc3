import { silentLogger } from '@vigil/runtime';
import {
  MemoryPartitionCheckpointStore,
  MemoryPartitionLeaseStore,
  MemoryPartitionLog,
  type PartitionCheckpointStore,
  type PartitionLeaseStore,
} from '@vigil/stores';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PartitionOwner } from './owner.ts';
import { PartitionManager, rendezvous } from './partition-manager.ts';
import { PartitionStates } from './partition-state.ts';
import type { UplinkRecord } from './uplink-log.ts';

const PARTITIONS = 8;

/** One engine over shared stores: applied records are counted per partition into its state. */
function engine(
  id: string,
  shared: { log: MemoryPartitionLog<UplinkRecord>; leases: PartitionLeaseStore; checkpoints: PartitionCheckpointStore },
  stores: { flush?: () => Promise<void>; forgetCached?: () => void } = {},
) {
  const states = new PartitionStates(PARTITIONS);
  const applied: string[] = [];
  const timers: ReturnType<typeof setInterval>[] = [];
  const owner = new PartitionOwner({
    log: shared.log,
    apply: async (p, r) => {
      const subjects = states.get(p).subjects;
      const s = subjects.get('count') ?? { tracks: {} };
      subjects.set('count', { ...s, tracks: { ...s.tracks, [`n${Object.keys(s.tracks).length}`]: {} as never } });
      applied.push(`${p}:${r.kind === 'vitals' ? r.samples[0]?.hr : r.kind}`);
    },
    logger: silentLogger(),
  });
  const manager = new PartitionManager({
    engineId: id,
    partitions: PARTITIONS,
    ...shared,
    owner,
    states,
    logger: silentLogger(),
    durable: true,
    ...stores,
    leaseMs: 300,
    tickMs: 50,
    checkpointMs: 50,
    every: (fn, ms) => {
      const t = setInterval(fn, ms);
      timers.push(t);
      return () => clearInterval(t);
    },
  });
  owner.start();
  /** The process dies: nothing more runs, nothing is handed over; its leases run out. */
  const die = async () => {
    for (const t of timers) clearInterval(t);
    await owner.stop();
  };
  return { id, owner, manager, states, applied, die };
}

/** What several engine processes share: the log, the leases and the checkpoints. */
function sharedStores() {
  const leases = new MemoryPartitionLeaseStore();
  return {
    log: new MemoryPartitionLog<UplinkRecord>(),
    leases,
    checkpoints: new MemoryPartitionCheckpointStore(leases),
  };
}

const vitals = (hr: number): UplinkRecord => ({ kind: 'vitals', deviceId: 'd', samples: [{ ts: 1, hr }] });

describe('PartitionManager', () => {
  const running: { manager: PartitionManager; owner: PartitionOwner }[] = [];
  afterEach(async () => {
    for (const e of running.splice(0)) {
      await e.manager.stop();
      await e.owner.stop();
    }
  });

  it('shares the partitions between live engines, each applying only its own', async () => {
    const shared = sharedStores();
    const a = engine('engine-a', shared);
    const b = engine('engine-b', shared);
    running.push(a, b);
    await a.manager.start();
    // Alone, a takes everything; once b is alive, each holds its rendezvous share.
    expect(a.manager.owned()).toHaveLength(PARTITIONS);
    await b.manager.start();
    await vi.waitFor(
      () => {
        const both = ['engine-a', 'engine-b'];
        const want = (id: string) =>
          Array.from({ length: PARTITIONS }, (_, p) => p).filter((p) => rendezvous(both, p) === id);
        expect(a.manager.owned()).toEqual(want('engine-a'));
        expect(b.manager.owned()).toEqual(want('engine-b'));
      },
      { timeout: 3000 },
    );
    for (let p = 0; p < PARTITIONS; p++) await shared.log.append(p, 'routine', vitals(p), 'f1');
    await vi.waitFor(() => expect([...a.applied, ...b.applied].sort()).toHaveLength(PARTITIONS));
    expect(a.applied.every((x) => a.manager.owned().includes(Number(x.split(':')[0])))).toBe(true);
  });

  it('takes over a dead engine’s partitions from its checkpoint, replaying only what followed', async () => {
    const shared = sharedStores();
    const a = engine('engine-a', shared);
    await a.manager.start();
    for (let i = 0; i < 5; i++) await shared.log.append(3, 'routine', vitals(100 + i), 'f1');
    await vi.waitFor(() => expect(a.applied).toHaveLength(5));
    // A checkpoint with the five records in its state, and the log trimmed behind it.
    await vi.waitFor(async () => expect(await shared.log.backlog(3, 'routine')).toBe(0));
    // a dies: nothing more runs, nothing is handed over; its lease runs out.
    await a.die();
    await shared.log.append(3, 'routine', vitals(200), 'f1');
    const b = engine('engine-b', shared);
    running.push(b);
    await b.manager.start();
    await vi.waitFor(() => expect(b.manager.owned()).toContain(3), { timeout: 3000 });
    await vi.waitFor(() => expect(b.applied).toContain('3:200'));
    // Resumed from the checkpoint: the state carries a's five records, and only the new one replayed.
    expect(b.applied.filter((x) => x.startsWith('3:'))).toEqual(['3:200']);
    expect(Object.keys(b.states.get(3).subjects.get('count')?.tracks ?? {})).toHaveLength(6);
  });

  it("writes out the stores' buffers before every checkpoint and hand-over; forgets cached devices on taking over", async () => {
    const shared = sharedStores();
    const steps: string[] = [];
    const save = shared.checkpoints.save.bind(shared.checkpoints);
    shared.checkpoints.save = async (p, c) => {
      steps.push(`save ${p}`);
      return save(p, c);
    };
    const a = engine('engine-a', shared, {
      flush: async () => {
        steps.push('flush');
      },
      forgetCached: () => steps.push('forget'),
    });
    running.push(a);
    await a.manager.start();
    expect(steps.filter((s) => s === 'forget')).toHaveLength(PARTITIONS);
    steps.length = 0;
    await shared.log.append(3, 'routine', vitals(1), 'f1');
    await vi.waitFor(() => expect(steps).toContain('save 3'));
    expect(steps.slice(0, steps.indexOf('save 3'))).toContain('flush');
    steps.length = 0;
    await a.manager.stop();
    // Every partition given up is saved after a flush.
    const saves = steps.filter((s) => s.startsWith('save'));
    expect(saves).toHaveLength(PARTITIONS);
    expect(steps[0]).toBe('flush');
  });
});
