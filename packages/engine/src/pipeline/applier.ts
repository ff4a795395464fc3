import type { Logger } from '@vigil/runtime';
import type { CounterStore, DeviceRecord, DeviceStore } from '@vigil/stores';
import type { IngestSink } from '../ports.ts';
import type { SeqGate } from './seq-gate.ts';
import type { UplinkRecord } from './uplink-log.ts';

export interface ApplierDeps {
  devices: Pick<DeviceStore, 'get'>;
  counters: Pick<CounterStore, 'addAccepted'>;
  /** Duplicate detection for a partition's devices (the owner's seq windows, or the shared store). */
  gateFor(partition: number): SeqGate;
  sink: IngestSink;
  logger: Logger;
}

/**
 * The owner's side of a record: the device as it is now (the owner's own writes included), duplicates
 * dropped and counted (contract §1.1), accepted ones counted and judged (the sink: rules, alerts).
 * A failing sink is logged and never stops the records after it (contract §1.4).
 */
export class Applier {
  private readonly log: Logger;
  constructor(private readonly deps: ApplierDeps) {
    this.log = deps.logger.child({ module: 'applier' });
  }

  async apply(record: UplinkRecord, partition = 0): Promise<void> {
    const device = await this.deps.devices.get(record.deviceId);
    // Decommissioned since it was admitted: nothing it sent is judged any more.
    if (!device || device.state === 'decommissioned') return;
    const { sink } = this.deps;
    const gate = this.deps.gateFor(partition);
    switch (record.kind) {
      case 'vitals':
        return gate.once(device.id, 'vitals', record.samples, async (fresh) => {
          // contract §1.1: processed in ts order; the sort is stable, so equal ts keep arrival order.
          fresh.sort((a, b) => a.ts - b.ts);
          await this.accepted(device, fresh.length);
          await this.deliver(device, record.kind, () => sink.vitals(device, fresh));
        });
      case 'event':
        return gate.once(device.id, 'events', [record.event], async ([e]) => {
          if (!e) return;
          await this.accepted(device, 1);
          await this.deliver(device, record.kind, () => sink.event(device, e));
        });
      case 'telemetry':
        return gate.once(device.id, 'telemetry', [record.telemetry], async ([t]) => {
          if (!t) return;
          await this.accepted(device, 1);
          await this.deliver(device, record.kind, () => sink.telemetry(device, t));
        });
      case 'status':
        // Connection state, not data: not counted as accepted (contract §1).
        return this.deliver(device, record.kind, () => sink.status(device, record.status, record.at));
    }
  }

  private async accepted(device: DeviceRecord, n: number) {
    await this.deps.counters.addAccepted(device.id, n);
  }

  private async deliver(device: DeviceRecord, kind: UplinkRecord['kind'], fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.log.error({ err, deviceId: device.id, kind }, 'applying a record failed');
    }
  }
}
