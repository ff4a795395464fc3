import type { UplinkChannel } from '@vigil/contracts';
import type { Logger } from '@vigil/runtime';
import type { CounterStore, DeviceRecord, DeviceStore } from '@vigil/stores';
import type { IngestSink } from '../ports.ts';
import type { SeqWindows } from './seq-window.ts';
import type { UplinkRecord } from './uplink-log.ts';

export interface ApplierDeps {
  devices: Pick<DeviceStore, 'snapshot'>;
  counters: Pick<CounterStore, 'addAccepted' | 'addDuplicates'>;
  /** The seqs seen of a partition's devices: the owner's, carried by its checkpoints. */
  seqsOf(partition: number): SeqWindows;
  sink: IngestSink;
  logger: Logger;
}

/**
 * The owner's side of a record: the device as it is now (the owner's own writes included), duplicates
 * dropped and counted (contract §1.1: a repeated `(device, seq)`), accepted ones counted and judged
 * (the sink: rules, alerts). A failing sink is logged and never stops the records after it
 * (contract §1.4).
 */
export class Applier {
  private readonly log: Logger;
  constructor(private readonly deps: ApplierDeps) {
    this.log = deps.logger.child({ module: 'applier' });
  }

  async apply(record: UplinkRecord, partition: number): Promise<void> {
    if (record.kind === 'baseline') return this.seed(record);
    const device = await this.deps.devices.snapshot(record.deviceId);
    // Decommissioned since it was admitted: nothing it sent is judged any more.
    if (!device || device.state === 'decommissioned') return;
    const { sink } = this.deps;
    switch (record.kind) {
      case 'vitals': {
        const fresh = await this.firstTime(partition, device, 'vitals', record.samples);
        if (fresh.length === 0) return;
        // contract §1.1: processed in ts order; the sort is stable, so equal ts keep arrival order.
        fresh.sort((a, b) => a.ts - b.ts);
        return this.deliver(device, record.kind, fresh.length, () => sink.vitals(device, fresh));
      }
      case 'event': {
        const [e] = await this.firstTime(partition, device, 'events', [record.event]);
        return e && this.deliver(device, record.kind, 1, () => sink.event(device, e));
      }
      case 'telemetry': {
        const [t] = await this.firstTime(partition, device, 'telemetry', [record.telemetry]);
        return t && this.deliver(device, record.kind, 1, () => sink.telemetry(device, t));
      }
      case 'status':
        // Connection state, not data: not counted as accepted (contract §1).
        return this.deliver(device, record.kind, 0, () => sink.status(device, record.status, record.at));
    }
  }

  /** A resident's arriving baselines, into their rule memory (no device, nothing counted). */
  private async seed(record: Extract<UplinkRecord, { kind: 'baseline' }>): Promise<void> {
    try {
      await this.deps.sink.seedBaseline?.(record.residentId, record.baseline);
    } catch (err) {
      this.log.error({ err, residentId: record.residentId, kind: record.kind }, 'applying a record failed');
    }
  }

  /** The items not seen before (items without `seq` always), in order; the others counted as duplicates. */
  private async firstTime<T extends { seq?: number | undefined }>(
    partition: number,
    device: DeviceRecord,
    channel: UplinkChannel,
    items: T[],
  ): Promise<T[]> {
    const seqs = this.deps.seqsOf(partition);
    const fresh = items.filter((i) => i.seq === undefined || seqs.firstTime(device.id, channel, i.seq));
    if (fresh.length < items.length) await this.deps.counters.addDuplicates(device.id, items.length - fresh.length);
    return fresh;
  }

  private async deliver(
    device: DeviceRecord,
    kind: Exclude<UplinkRecord['kind'], 'baseline'>,
    accepted: number,
    fn: () => Promise<void>,
  ) {
    if (accepted > 0) await this.deps.counters.addAccepted(device.id, accepted);
    try {
      await fn();
    } catch (err) {
      this.log.error({ err, deviceId: device.id, kind }, 'applying a record failed');
    }
  }
}
