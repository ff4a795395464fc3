import type { Stores } from '../types.ts';
import { MemoryAlertStore } from './alerts.ts';
import { MemoryAuditStore, type MemoryAuditOptions } from './audit.ts';
import { MemoryDeviceStore, MemoryFacilityStore, MemoryResidentStore, MemoryUserStore } from './entities.ts';
import { MemoryEventLog } from './event-log.ts';
import { MemoryCounterStore } from './ingest-state.ts';
import { KeyedLock } from './locks.ts';
import { MemoryVitalsHistory } from './vitals-history.ts';
import { MemoryRuleSettingsStore, MemoryRuleStateStore } from './rules.ts';
import { MemoryDeadlineStore, MemoryPolicyStore, MemorySlaWarningStore, MemoryTaskStore } from './dispatch.ts';
import { MemoryPartitionLog } from './partition-log.ts';
import { MemoryPartitionCheckpointStore, MemoryPartitionLeaseStore } from './partitions.ts';
import { MemoryRevocationStore } from './revocations.ts';

export * from './alerts.ts';
export * from './audit.ts';
export * from './entities.ts';
export * from './event-log.ts';
export * from './ingest-state.ts';
export * from './locks.ts';
export * from './vitals-history.ts';
export * from './rules.ts';
export * from './dispatch.ts';
export * from './partition-log.ts';
export * from './partitions.ts';
export * from './revocations.ts';

export interface MemoryStoresOptions {
  /** Audit log retention and count cap (defaults: 400 days, 100,000 entries). */
  audit?: MemoryAuditOptions;
  /** Event log retention and count cap (defaults: 24 h, 200,000 events). */
  events?: { retentionMs?: number; maxEvents?: number };
  /** Vitals history bounds (defaults: 20,000 points per resident, 1,000,000 in all). */
  vitals?: { capacityPerResident?: number; maxPoints?: number };
  /**
   * Refuse every access token issued before this time (epoch ms): the process's start. The list of
   * revoked tokens dies with the process, so a token issued before a restart could have been logged
   * out or rotated; with a fixed JWT_SECRET it would verify again (docs/security.md "Sessions").
   */
  tokensIssuedFrom?: number;
}

/** The embedded default: every store in memory (architecture.md). */
export function createMemoryStores(now: () => number = Date.now, opts: MemoryStoresOptions = {}): Stores {
  const leases = new MemoryPartitionLeaseStore(now);
  return {
    facilities: new MemoryFacilityStore(),
    users: new MemoryUserStore(),
    residents: new MemoryResidentStore(),
    devices: new MemoryDeviceStore(),
    counters: new MemoryCounterStore(),
    alerts: new MemoryAlertStore(),
    vitals: new MemoryVitalsHistory(opts.vitals?.capacityPerResident, opts.vitals?.maxPoints),
    events: new MemoryEventLog(now, opts.events?.retentionMs, opts.events?.maxEvents),
    ruleSettings: new MemoryRuleSettingsStore(),
    ruleState: new MemoryRuleStateStore(),
    tasks: new MemoryTaskStore(),
    deadlines: new MemoryDeadlineStore(),
    slaWarnings: new MemorySlaWarningStore(),
    policies: new MemoryPolicyStore(),
    audit: new MemoryAuditStore(now, opts.audit),
    locks: new KeyedLock(),
    revocations: new MemoryRevocationStore(now, opts.tokensIssuedFrom),
    uplinks: new MemoryPartitionLog(),
    leases,
    checkpoints: new MemoryPartitionCheckpointStore(leases),
  };
}
