import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '@vigil/runtime';
import {
  type CounterStore,
  type DeviceStore,
  MemoryPartitionCheckpointStore,
  MemoryPartitionLeaseStore,
  MemoryPartitionLog,
  type PartitionCheckpointStore,
  type PartitionLeaseStore,
} from '@vigil/stores';
import type { DeviceDownlink, IngestSink, UplinkMessage } from '../ports.ts';
import { Admission } from '../pipeline/admission.ts';
import { Applier } from '../pipeline/applier.ts';
import { Backpressure } from '../pipeline/backpressure.ts';
import { PartitionOwner } from '../pipeline/owner.ts';
import { PartitionManager } from '../pipeline/partition-manager.ts';
import { PartitionStates } from '../pipeline/partition-state.ts';
import { DEFAULT_PARTITIONS, partitionOf, subjectKey } from '../pipeline/partitions.ts';
import { laneOf, type UplinkLog, type UplinkRecord } from '../pipeline/uplink-log.ts';

export interface IngestDeps {
  devices: DeviceStore;
  counters: CounterStore;
  sink: IngestSink;
  downlink: DeviceDownlink;
  clock: Clock;
  logger: Logger;
  /** Topic prefix (contract §1: `care`, configurable). */
  topicPrefix?: string;
  /** Owned: how partitions are logged, owned and saved; one engine in memory by default. */
  partitioning?: Partitioning;
  /** Routine records a partition may hold unapplied before the edge slows down (backpressure). */
  maxBacklog?: number;
}

export interface Partitioning {
  /** `stores.uplinks`, `stores.leases`, `stores.checkpoints`. */
  log: UplinkLog;
  leases: PartitionLeaseStore;
  checkpoints: PartitionCheckpointStore;
  /** The log outlives the process (Redis): checkpoints, and a takeover replays the log after them. */
  durable: boolean;
  /** The states of the owned partitions, shared with the monitor's rule memory. */
  states: PartitionStates;
  engineId?: string;
  /**
   * `stores.flush`: writes out the stores' buffered writes, before each checkpoint and hand-over
   * (partition-manager.ts). Absent when nothing is buffered (memory).
   */
  flush?: () => Promise<void>;
  /** Lease and checkpoint timing (tests shorten them). */
  leaseMs?: number;
  tickMs?: number;
  checkpointMs?: number;
}

/** One engine owning every partition in process memory: the embedded default, and tests. */
export function memoryPartitioning(partitions = DEFAULT_PARTITIONS): Partitioning {
  const leases = new MemoryPartitionLeaseStore();
  return {
    log: new MemoryPartitionLog<UplinkRecord>(),
    leases,
    checkpoints: new MemoryPartitionCheckpointStore(leases),
    durable: false,
    states: new PartitionStates(partitions),
  };
}

/**
 * The data path of an engine process, from the broker to the rules (architecture.md "Flow"):
 *
 *   broker ─▶ Admission (validate, reject, route) ─▶ log (per partition: urgent, routine lanes)
 *          ─▶ PartitionOwner of this engine's partitions (in log order, SOS first)
 *          ─▶ Applier (duplicates, counters) ─▶ sink (monitor: rules, alerts)
 *
 * `handle` resolves once the message is in the log, which is when the broker acknowledges it; the
 * owner of its partition, here or in another engine, applies it right after. `idle` waits for what
 * this process owns (tests, shutdown).
 */
export class Ingest {
  private readonly admission: Admission;
  private readonly owner: PartitionOwner;
  private readonly manager: PartitionManager;
  private readonly backpressure: Backpressure;
  private started: Promise<void> | undefined;
  /** `started` has resolved. */
  private ready = false;
  private stopping = false;
  private readonly log: Logger;

  constructor(deps: IngestDeps) {
    this.log = deps.logger.child({ module: 'ingest' });
    const p = deps.partitioning ?? memoryPartitioning();
    const { log, durable, states } = p;
    const partitions = states.partitions;
    const backpressure = new Backpressure({
      ...(deps.maxBacklog !== undefined && { max: deps.maxBacklog }),
      backlog: (partition) => log.backlog(partition, 'routine'),
      onError: (err) => this.log.warn({ err }, 'partition backlog unknown: vitals of that partition stay held'),
    });
    this.backpressure = backpressure;
    const applier = new Applier({ ...deps, seqsOf: (partition) => states.get(partition).seqs });
    const owner = new PartitionOwner({
      log,
      apply: (partition, record) => applier.apply(record, partition),
      // Not durable: once applied, a record is done with. Durable: trimmed behind checkpoints.
      ...(!durable && { applied: (partition, lane, offset) => log.trim(partition, lane, offset) }),
      logger: deps.logger,
    });
    this.owner = owner;
    this.manager = new PartitionManager({
      engineId: p.engineId ?? randomUUID(),
      partitions,
      leases: p.leases,
      checkpoints: p.checkpoints,
      log,
      owner,
      states,
      logger: deps.logger,
      durable,
      ...(p.flush && { flush: p.flush }),
      ...(deps.devices.forgetCached && { forgetCached: () => deps.devices.forgetCached?.() }),
      ...(p.leaseMs !== undefined && { leaseMs: p.leaseMs }),
      ...(p.tickMs !== undefined && { tickMs: p.tickMs }),
      ...(p.checkpointMs !== undefined && { checkpointMs: p.checkpointMs }),
    });
    this.admission = new Admission({
      ...deps,
      handoff: async (device, record) => {
        const partition = partitionOf(subjectKey(device), partitions);
        await this.appendUntilDone(() => log.append(partition, laneOf(record), record, device.facilityId));
        // Calls for help never wait; vitals wait while their partition is far behind.
        if (record.kind !== 'event') await backpressure.admitted(partition);
      },
    });
  }

  /**
   * A message the log could not take (Redis down) is not acknowledged: the append is tried again, with
   * backoff, while the broker holds the device's PUBACK, so the device keeps the message and nothing
   * acknowledged is lost (issue 12). Stopping gives up (the device sends it again elsewhere).
   */
  private async appendUntilDone(append: () => Promise<void>): Promise<void> {
    for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await append();
      } catch (err) {
        if (this.stopping) throw err;
        this.log.warn({ err, retryInMs: delay }, 'appending to the partition log failed');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Takes this engine's partitions (at once) and starts applying them. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.owner.start();
      await this.manager.start();
      this.ready = true;
    })();
    return this.started;
  }

  /**
   * Admits one message: resolves once it is in the log, or rejected for bad input and reported
   * (both acknowledged); rejects when the platform could not take it, and then the broker must not
   * acknowledge it (the device keeps it and sends it again).
   */
  handle(msg: UplinkMessage): Promise<void> {
    // Once started, no extra await per message (the hot path).
    if (this.ready) return this.admission.handle(msg);
    return this.start().then(() => this.admission.handle(msg));
  }

  /** Resolves once every message admitted so far to a partition this process owns is applied. */
  async idle(): Promise<void> {
    await this.owner.idle();
  }

  /** The partitions this engine owns now. */
  owned(): number[] {
    return this.manager.owned();
  }

  /** Hands the partitions over (checkpointed, released) and stops applying. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.backpressure.close();
    if (!this.started) return;
    await this.started;
    await this.manager.stop();
    await this.owner.stop();
  }
}
