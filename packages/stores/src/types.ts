import type { AuditStore } from './audit-types.ts';
import type { AlertStore, DeadlineStore, PolicyStore, SlaWarningStore, TaskStore } from './dispatch-types.ts';
import type { CounterStore, DeviceStore, FacilityStore, ResidentStore, UserStore } from './entity-types.ts';
import type { EventLog, LockService, RuleSettingsStore, RuleStateStore, VitalsHistory } from './engine-types.ts';
import type { PartitionCheckpointStore, PartitionLeaseStore, PartitionLog } from './partition-types.ts';
import type { RevocationStore } from './revocation-types.ts';

/**
 * One interface per kind of state (architecture.md "Stores"). Every method is async so the Redis
 * implementations of issue 5 drop in; both run through `test/conformance.ts`.
 */

export * from './entity-types.ts';
export * from './engine-types.ts';
export * from './dispatch-types.ts';
export * from './audit-types.ts';
export * from './partition-types.ts';
export * from './revocation-types.ts';

export interface Stores {
  facilities: FacilityStore;
  users: UserStore;
  residents: ResidentStore;
  devices: DeviceStore;
  counters: CounterStore;
  alerts: AlertStore;
  vitals: VitalsHistory;
  events: EventLog;
  ruleSettings: RuleSettingsStore;
  ruleState: RuleStateStore;
  tasks: TaskStore;
  deadlines: DeadlineStore;
  slaWarnings: SlaWarningStore;
  policies: PolicyStore;
  audit: AuditStore;
  locks: LockService;
  /** Revoked tokens and per-user cut-offs: logout, refresh, disable, password reset (issue 13). */
  revocations: RevocationStore;
  /** Device messages admitted and not yet applied (issue 12). */
  uplinks: PartitionLog;
  leases: PartitionLeaseStore;
  checkpoints: PartitionCheckpointStore;
  /**
   * Writes out what the stores buffer (Redis write-behind of per-sample writes): the engine calls it
   * before it saves a partition checkpoint and before it hands partitions over. Absent in memory.
   */
  flush?(): Promise<void>;
}
