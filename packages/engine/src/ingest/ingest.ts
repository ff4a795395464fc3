import type { Clock, Logger } from '@vigil/runtime';
import { type CounterStore, type DeviceStore, MemoryPartitionLog, type SeqStore } from '@vigil/stores';
import type { DeviceDownlink, IngestSink, UplinkMessage } from '../ports.ts';
import { Admission } from '../pipeline/admission.ts';
import { Applier } from '../pipeline/applier.ts';
import { Backpressure } from '../pipeline/backpressure.ts';
import { PartitionOwner } from '../pipeline/owner.ts';
import { DEFAULT_PARTITIONS, partitionOf, subjectKey } from '../pipeline/partitions.ts';
import { type SeqGate, WindowSeqGate } from '../pipeline/seq-gate.ts';
import { SeqWindows } from '../pipeline/seq-window.ts';
import { laneOf, type UplinkLog, type UplinkRecord } from '../pipeline/uplink-log.ts';
import { SeqClaims } from './seq-claims.ts';

export interface IngestDeps {
  devices: DeviceStore;
  counters: CounterStore;
  seqs: SeqStore;
  sink: IngestSink;
  downlink: DeviceDownlink;
  clock: Clock;
  logger: Logger;
  /** Topic prefix (contract §1: `care`, configurable). */
  topicPrefix?: string;
  /** The log between the edge and the partition owners; in process memory by default. */
  log?: UplinkLog;
  partitions?: number;
  /**
   * `owned` (the default): this process owns every partition; records go through the log to the
   * owner, which remembers duplicates itself. `shared`: engines that do not own their subjects
   * (several engines behind one shared MQTT subscription, until partitions are owned across
   * processes) apply each record before the broker acknowledges it, claiming seqs in the shared
   * store, as a process-local log would lose what it acknowledged if the process died.
   */
  ownership?: 'owned' | 'shared';
  /** Routine records a partition may hold unapplied before the edge slows down (backpressure). */
  maxBacklog?: number;
}

/**
 * The data path of one process, from the broker to the rules (architecture.md "Flow"):
 *
 *   broker ─▶ Admission (validate, reject, route) ─▶ log (per partition: urgent, routine lanes)
 *          ─▶ PartitionOwner (in log order, SOS first) ─▶ Applier (duplicates, counters) ─▶ sink
 *
 * `handle` resolves once the message is admitted to the log, which is when the broker acknowledges it;
 * the owner applies it right after. `idle` waits for that (tests, shutdown).
 */
export class Ingest {
  private readonly admission: Admission;
  private readonly owner: PartitionOwner;
  private readonly log: UplinkLog;
  private readonly backpressure: Backpressure;
  private started = false;

  constructor(deps: IngestDeps) {
    const partitions = deps.partitions ?? DEFAULT_PARTITIONS;
    this.log = deps.log ?? new MemoryPartitionLog<UplinkRecord>();
    this.backpressure = new Backpressure(deps.maxBacklog);
    const shared = deps.ownership === 'shared';
    const gate: SeqGate = shared
      ? new SeqClaims({ seqs: deps.seqs, counters: deps.counters, clock: deps.clock, logger: deps.logger })
      : new WindowSeqGate(new SeqWindows(), deps.counters);
    const applier = new Applier({
      devices: deps.devices,
      counters: deps.counters,
      gate,
      sink: deps.sink,
      logger: deps.logger,
    });
    this.owner = new PartitionOwner({
      log: this.log,
      partitions: Array.from({ length: partitions }, (_, p) => p),
      apply: (_partition, record) => applier.apply(record),
      applied: async (partition, lane, offset) => {
        // Held only in memory: once applied, a record is done with.
        await this.log.trim(partition, lane, offset);
        if (lane === 'routine') this.backpressure.applied(partition, await this.log.backlog(partition, lane));
      },
      logger: deps.logger,
    });
    this.admission = new Admission({
      ...deps,
      handoff: async (device, record) => {
        if (shared) return applier.apply(record);
        const partition = partitionOf(subjectKey(device), partitions);
        await this.log.append(partition, laneOf(record), record, device.facilityId);
        // Calls for help never wait; vitals wait while their partition is far behind.
        if (record.kind !== 'event') await this.backpressure.admitted(partition);
      },
    });
  }

  /** Admits one message; resolves once it is in the log. Never rejects. */
  handle(msg: UplinkMessage): Promise<void> {
    if (!this.started) this.start();
    return this.admission.handle(msg);
  }

  start(): void {
    this.started = true;
    this.owner.start();
  }

  /** Resolves once every message admitted so far is applied. */
  idle(): Promise<void> {
    return this.owner.idle();
  }

  async stop(): Promise<void> {
    await this.owner.stop();
  }
}
