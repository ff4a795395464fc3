import { silentLogger } from '@vigil/runtime';
import { MemoryPartitionLog } from '@vigil/stores';
import { afterEach, describe, expect, it } from 'vitest';
import { Backpressure } from './backpressure.ts';
import { PartitionOwner } from './owner.ts';
import type { UplinkRecord } from './uplink-log.ts';

const vitals = (hr: number): UplinkRecord => ({ kind: 'vitals', deviceId: 'd', samples: [{ ts: 1, hr }] });

/**
 * An owner of partition 0 (in "another engine": it shares only the log with the edge under test),
 * applying while `gate` lets it and trimming what it applied, as a non-durable log does.
 */
function ownerOfPartition0(log: MemoryPartitionLog<UplinkRecord>) {
  let open = true;
  let opened: () => void = () => undefined;
  const owner = new PartitionOwner({
    log,
    partitions: [0],
    apply: async () => {
      while (!open) await new Promise<void>((r) => (opened = r));
    },
    applied: (p, lane, offset) => log.trim(p, lane, offset),
    logger: silentLogger(),
    batch: 4,
  });
  owner.start();
  return {
    owner,
    stall: () => {
      open = false;
    },
    resume: () => {
      open = true;
      opened();
    },
  };
}

const owners: PartitionOwner[] = [];
afterEach(async () => {
  for (const o of owners.splice(0)) await o.stop();
});

/** An edge admitting vitals of partition 0 the way Ingest does: append, then `admitted`. */
function edge(log: MemoryPartitionLog<UplinkRecord>, max: number) {
  const bp = new Backpressure({ max, backlog: (p) => log.backlog(p, 'routine') });
  let hr = 0;
  return {
    bp,
    admit: async () => {
      await log.append(0, 'routine', vitals(hr++), 'f');
      await bp.admitted(0);
    },
  };
}

describe('Backpressure', () => {
  it('never holds an edge whose partition is owned elsewhere and kept up with (two engines)', async () => {
    const log = new MemoryPartitionLog<UplinkRecord>();
    const { owner } = ownerOfPartition0(log);
    owners.push(owner);
    const { admit } = edge(log, 4);
    // Before, only the owning process lowered the edge's count: an engine that was not the owner held
    // the partition's vitals forever after `max` of them, however idle the owner.
    for (let i = 0; i < 40; i++) {
      await admit();
      await owner.idle();
    }
    expect(await log.backlog(0, 'routine')).toBe(0);
  });

  it('holds vitals of a partition whose log keeps more than max, until it is down to half', async () => {
    const log = new MemoryPartitionLog<UplinkRecord>();
    const o = ownerOfPartition0(log);
    owners.push(o.owner);
    o.stall();
    const { admit, bp } = edge(log, 4);
    for (let i = 0; i < 4; i++) await admit();
    let released = false;
    const held = admit().then(() => {
      released = true;
    });
    // Another partition is not held.
    await bp.admitted(1);
    await new Promise((r) => setTimeout(r, 250));
    expect(released).toBe(false);
    o.resume();
    await held;
    expect(released).toBe(true);
    expect(await log.backlog(0, 'routine')).toBeLessThanOrEqual(2);
  });

  it('lets the held messages fail when the engine stops (they are not acknowledged)', async () => {
    const log = new MemoryPartitionLog<UplinkRecord>();
    const o = ownerOfPartition0(log);
    owners.push(o.owner);
    o.stall();
    const { admit, bp } = edge(log, 2);
    for (let i = 0; i < 2; i++) await admit();
    const held = admit();
    bp.close();
    await expect(held).rejects.toThrow(/stopping/);
    o.resume();
  });
});
