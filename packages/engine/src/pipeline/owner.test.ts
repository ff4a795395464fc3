import { silentLogger } from '@vigil/runtime';
import { describe, expect, it } from 'vitest';
import { MemoryPartitionLog } from '@vigil/stores';
import { PartitionOwner } from './owner.ts';
import type { UplinkRecord } from './uplink-log.ts';

const vitals = (deviceId: string, hr: number): UplinkRecord => ({
  kind: 'vitals',
  deviceId,
  samples: [{ ts: 1, hr }],
});
const sos = (deviceId: string): UplinkRecord => ({ kind: 'event', deviceId, event: { ts: 1, type: 'sos' } });
const label = (r: UplinkRecord) =>
  r.kind === 'baseline'
    ? `${r.residentId}:baseline`
    : r.kind === 'event'
      ? `${r.deviceId}:sos`
      : `${r.deviceId}:${r.kind === 'vitals' ? r.samples[0]?.hr : ''}`;

function setup(partitions: number[], applyDelay = () => Promise.resolve()) {
  const log = new MemoryPartitionLog<UplinkRecord>();
  const applied: string[] = [];
  const owner = new PartitionOwner({
    log,
    partitions,
    apply: async (_p, r) => {
      await applyDelay();
      applied.push(label(r));
    },
    applied: (p, lane, offset) => log.trim(p, lane, offset),
    logger: silentLogger(),
    batch: 8,
  });
  owner.start();
  return { log, owner, applied };
}

describe('PartitionOwner', () => {
  it('applies each partition in log order, and only the partitions it owns', async () => {
    const { log, owner, applied } = setup([0, 1]);
    for (let i = 0; i < 30; i++) await log.append(i % 3, 'routine', vitals(`d${i % 3}`, i), 'f1');
    await owner.idle();
    expect(applied.filter((a) => a.startsWith('d0'))).toEqual(Array.from({ length: 10 }, (_, i) => `d0:${i * 3}`));
    expect(applied.filter((a) => a.startsWith('d1'))).toEqual(Array.from({ length: 10 }, (_, i) => `d1:${i * 3 + 1}`));
    expect(applied.some((a) => a.startsWith('d2'))).toBe(false);
    // Applied records leave the memory log; the unowned partition's stay for their owner.
    expect(await log.backlog(0, 'routine')).toBe(0);
    expect(await log.backlog(2, 'routine')).toBe(10);
  });

  it('puts a call for help before a backlog of vitals, in its own partition and in others', async () => {
    const tick = () => new Promise<void>((r) => setImmediate(r));
    const { log, owner, applied } = setup([0, 1], tick);
    for (let i = 0; i < 200; i++) await log.append(0, 'routine', vitals('a', i), 'f1');
    for (let i = 0; i < 200; i++) await log.append(1, 'routine', vitals('b', i), 'f1');
    // A moment in: both partitions are working through their backlog.
    for (let k = 0; k < 5; k++) await tick();
    const before = applied.length;
    await log.append(1, 'urgent', sos('b'), 'f1');
    await log.append(0, 'urgent', sos('a'), 'f1');
    await owner.idle();
    const sosAt = [applied.indexOf('a:sos'), applied.indexOf('b:sos')];
    // Each waited at most for the records already being applied (a batch per partition).
    for (const at of sosAt) expect(at - before).toBeLessThanOrEqual(2 * 8);
    expect(applied).toHaveLength(402);
  });
});
