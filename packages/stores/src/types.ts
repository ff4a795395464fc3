import type {
  Alert,
  AuditEntry,
  CarePlan,
  AlertKind,
  AlertState,
  Consent,
  DeviceCounters,
  DeviceKind,
  DeviceProfile,
  DeviceState,
  Facility,
  IngestErrorCode,
  LoggedEvent,
  PublicUser,
  Resident,
  RuleSettings,
  FacilityPolicy,
  SlaWarning,
  SlaWarningKind,
  Task,
  TaskKind,
  TaskState,
} from '@vigil/contracts';

/**
 * One interface per kind of state (architecture.md "Stores"). Every method is async so the Redis
 * implementations of issue 5 drop in; both run through `test/conformance.ts`.
 */

export interface FacilityStore {
  put(facility: Facility): Promise<void>;
  get(id: string): Promise<Facility | undefined>;
  list(): Promise<Facility[]>;
}

/** A user as stored: the public shape plus the argon2id hash of the password. */
export interface UserRecord extends PublicUser {
  passwordHash: string;
}

export interface UserStore {
  /** Creates or replaces; rejects with `ConflictError` when another user already has the username. */
  put(user: UserRecord): Promise<void>;
  get(id: string): Promise<UserRecord | undefined>;
  getByUsername(username: string): Promise<UserRecord | undefined>;
  list(filter?: { facilityId?: string }): Promise<UserRecord[]>;
  count(): Promise<number>;
}

export interface ResidentStore {
  put(resident: Resident): Promise<void>;
  get(id: string): Promise<Resident | undefined>;
  /**
   * The resident as it is now, read-only, for the data path (rules read it for every sample): in
   * memory the stored snapshot itself, never copied per call; on Redis read through like `get`.
   * `get` for a copy to change.
   */
  snapshot(id: string): Promise<Readonly<Resident> | undefined>;
  list(filter?: { facilityId?: string }): Promise<Resident[]>;
  setConsent(id: string, consent: Consent): Promise<void>;
  /**
   * Replaces the care plan and bumps `carePlanVersion` in one step, leaving consent untouched (a
   * concurrent consent withdrawal must never be overwritten). Undefined for an unknown id.
   */
  setCarePlan(id: string, carePlan: CarePlan): Promise<Resident | undefined>;
}

export interface DeviceRecord {
  id: string;
  kind: DeviceKind;
  /** Wearables: what they measure and how often (contract extension); absent means `wristband`. */
  profile?: DeviceProfile;
  facilityId: string;
  residentId?: string;
  zoneId?: string;
  roomId?: string;
  /**
   * The device secret's stored form (contract §1: stored only as a hash): `hmac-sha256$…` under the
   * server pepper, or `$argon2id$…` from before (rewritten at the device's next connect);
   * packages/auth/src/device-secrets.ts. Never logged.
   */
  secretHash: string;
  state: DeviceState;
  /** Epoch ms of the last accepted message or status change. */
  lastSeenAt?: number;
  battery?: number;
  /**
   * The device's last few intervals between messages (device time, newest last): its own rhythm,
   * which stale-data alarms are judged against (a 1 Hz wristband and a 4-minute one differ).
   */
  recentIntervalsMs?: number[];
  createdAt: number;
}

export interface DeviceStore {
  put(device: DeviceRecord): Promise<void>;
  get(id: string): Promise<DeviceRecord | undefined>;
  /** The device as it is now, read-only, for the data path (see `ResidentStore.snapshot`). */
  snapshot(id: string): Promise<Readonly<DeviceRecord> | undefined>;
  list(filter?: { facilityId?: string; residentId?: string }): Promise<DeviceRecord[]>;
  /** Partial update of the live fields; no-op for an unknown id. */
  touch(
    id: string,
    patch: Partial<Pick<DeviceRecord, 'state' | 'lastSeenAt' | 'battery' | 'recentIntervalsMs'>>,
  ): Promise<void>;
  /**
   * Replaces the secret hash only while it is still `expected`, leaving every other field (the live
   * ones included) as it is; false when it was not (re-provisioned meanwhile) or the id is unknown.
   * How a hash in an outdated form is rewritten after a successful verification.
   */
  setSecretHash(id: string, expected: string, secretHash: string): Promise<boolean>;
}

/** Per-device ingest counters (contract §1.4, shown by `GET /api/devices/{id}`). */
export interface CounterStore {
  addAccepted(deviceId: string, n: number): Promise<void>;
  addDuplicates(deviceId: string, n: number): Promise<void>;
  addRejected(deviceId: string, code: IngestErrorCode, n?: number): Promise<void>;
  get(deviceId: string): Promise<DeviceCounters>;
}

/**
 * Mutual exclusion by key, across every engine process on the same stores (MQTT shared
 * subscriptions hand consecutive messages of one resident to different processes). `run` waits for
 * the key, runs `fn` holding it and releases it however `fn` ends. Not re-entrant: `fn` must not
 * take the same key again, and two keys are always taken in one order (see the engine's key
 * namespaces) so no two holders wait on each other.
 */
export interface LockService {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** The lock could not be had within the acquire timeout (its holder is stuck or the store is down). */
export class LockTimeoutError extends Error {
  readonly code = 'lock_timeout';
}

export interface AlertFilter {
  facilityId?: string;
  facilityIds?: readonly string[];
  residentId?: string;
  /** `open` = active or acknowledged. */
  state?: AlertState | 'open';
}

export interface AlertStore {
  put(alert: Alert): Promise<void>;
  get(id: string): Promise<Alert | undefined>;
  /** The one open (active or acknowledged) alert for this subject and kind, if any. */
  findOpen(facilityId: string, subject: string, kind: AlertKind): Promise<Alert | undefined>;
  list(filter?: AlertFilter): Promise<Alert[]>;
  /**
   * One page in the board's order (high priority first, then the newest raised; `alertPosition`),
   * `from`/`to` bounding `raisedAt`.
   */
  page(filter: AlertFilter, query: PageQuery): Promise<Page<Alert>>;
  /** Removes up to `limit` alerts resolved before `before` (epoch ms) with their indexes; how many went. */
  removeResolvedBefore(before: number, limit: number): Promise<number>;
}

/**
 * Where a page ended (issue 12 "bounded state"): the sort key and id of its last item. The next page
 * starts strictly after it in (key, id) order, so inserts between two requests never shift a page
 * (keyset, not offset).
 */
export interface PagePosition {
  key: number;
  id: string;
}

export interface PageQuery {
  after?: PagePosition;
  /** At least 1. */
  limit: number;
  /** Epoch ms, inclusive, on the list's time field. */
  from?: number;
  to?: number;
}

export interface Page<T> {
  items: T[];
  /** Set when more items may follow: the position of the last item. */
  next?: PagePosition;
}

/** Latest value of each vital per resident with its device timestamp, for tiles and NEWS2 freshness. */
export interface LatestVitals {
  residentId: string;
  values: Partial<
    Record<'hr' | 'spo2' | 'rr' | 'sbp' | 'dbp' | 'temp' | 'battery' | 'steps', { v: number; ts: number }>
  >;
  consciousness?: { v: string; ts: number };
  onOxygen?: { v: boolean; ts: number };
  worn?: { v: boolean; ts: number };
}

/** One accepted sample as history keeps it (device timestamp, epoch ms). */
export interface VitalsPoint {
  ts: number;
  hr?: number;
  spo2?: number;
  rr?: number;
  sbp?: number;
  dbp?: number;
  temp?: number;
  battery?: number;
  steps?: number;
  consciousness?: string;
  onOxygen?: boolean;
  worn?: boolean;
}

/** Vitals history (memory ring by default; a TSDB in issue 5). */
export interface VitalsHistory {
  append(residentId: string, point: VitalsPoint): Promise<void>;
  latest(residentId: string): Promise<LatestVitals | undefined>;
  range(residentId: string, from: number, to: number): Promise<VitalsPoint[]>;
  /**
   * Drops the resident's points with device time before `before` (retention); how many went. Absent
   * where the history keeps its own retention (a TSDB's retention policy).
   */
  trimBefore?(residentId: string, before: number): Promise<number>;
}

/** An event as the log stores it, before it gets its id and time. */
export type NewEvent = {
  [E in LoggedEvent as E['event']]: {
    event: E['event'];
    type: E['envelope']['type'];
    facilityId: string;
    data: E['envelope']['data'];
  };
}[LoggedEvent['event']];

export interface ReplayResult {
  events: LoggedEvent[];
  /** false when `afterId` is older than retention: the client must reload state over REST. */
  complete: boolean;
}

/**
 * Ordered event log (contract §2 "No lost events"). Ids have the Redis Stream shape `<ms>-<seq>`
 * so the Redis implementation keeps them. Retention at least 24 h.
 */
export interface EventLog {
  append(event: NewEvent): Promise<LoggedEvent>;
  /** Events strictly after `afterId`, oldest first. */
  readAfter(afterId: string, limit?: number): Promise<ReplayResult>;
  lastId(): Promise<string | null>;
  /** Live tail: called for every appended event in order; returns an unsubscribe function. */
  subscribe(listener: (e: LoggedEvent) => void): () => void;
}

/** Each facility's rule settings in force (issue 3); absent means the defaults, version 1. */
export interface RuleSettingsStore {
  get(facilityId: string): Promise<RuleSettings | undefined>;
  put(settings: RuleSettings): Promise<void>;
}

/**
 * Rule memory per subject (persistence windows, artefact filter, baselines): what the rules must
 * remember between messages, keyed by subject so any engine worker can continue where another
 * stopped (architecture.md "Per-resident ordering"). Values are plain JSON.
 */
export interface RuleStateStore {
  get<T>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
}

export interface TaskFilter {
  facilityId?: string;
  facilityIds?: readonly string[];
  /** `active` = assigned, accepted or in progress (counts towards a person's load). */
  state?: TaskState | 'active';
  assigneeId?: string;
  alertId?: string;
  kind?: TaskKind;
}

export interface TaskStore {
  put(task: Task): Promise<void>;
  get(id: string): Promise<Task | undefined>;
  /** Oldest first. */
  list(filter?: TaskFilter): Promise<Task[]>;
  /** One page, oldest first by `createdAt` (`taskPosition`), `from`/`to` bounding `createdAt`. */
  page(filter: TaskFilter, query: PageQuery): Promise<Page<Task>>;
  /** Removes up to `limit` tasks done or cancelled before `before` (`taskFinishedAt`); how many went. */
  removeFinishedBefore(before: number, limit: number): Promise<number>;
}

export type DeadlineKind = 'alert_ack' | 'task_accept' | 'task_complete' | 'task_escalate';

/** A time limit in the store (issue 4 "durable deadlines"), fired once by whichever worker claims it. */
export interface Deadline {
  /** Deterministic (`task:<id>:accept`): scheduling the same limit again replaces it. */
  id: string;
  dueAt: number;
  facilityId: string;
  kind: DeadlineKind;
  alertId?: string;
  taskId?: string;
  /** Escalation step index for `task_escalate`. */
  step?: number;
  /** Claims so far: above 1 means a worker died holding it and it was claimed again. */
  attempts?: number;
  /** Set by `claimDue`: unique per claim, the proof of holding it that `done` asks for. */
  claim?: string;
}

export interface DeadlineStore {
  /** Creates or replaces the deadline with this id. */
  schedule(deadline: Deadline): Promise<void>;
  cancel(id: string): Promise<void>;
  /** The deadline with this id as stored: `claim` is set while a worker holds it (it is firing). */
  get(id: string): Promise<Deadline | undefined>;
  /**
   * Atomically claims the deadlines due at `now`, earliest first: each is returned to exactly one
   * caller and hidden for `leaseMs`. The caller calls `done` once handled; a deadline whose worker died
   * comes due again after the lease (handlers are idempotent, so the effect happens once).
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<Deadline[]>;
  /** Removes the deadline if `claim` is still the current claim on it (a re-scheduled one stays). */
  done(id: string, claim: string): Promise<void>;
  list(filter?: { facilityId?: string }): Promise<Deadline[]>;
}

export interface SlaWarningFilter {
  facilityId?: string;
  facilityIds?: readonly string[];
  from?: number;
  to?: number;
  staffId?: string;
  kind?: SlaWarningKind;
}

export interface SlaWarningStore {
  /** Creates or replaces by id (ids are deterministic, so a retried handler cannot warn twice). */
  put(warning: SlaWarning): Promise<void>;
  get(id: string): Promise<SlaWarning | undefined>;
  /** Oldest first, by `raisedAt`. */
  list(filter?: SlaWarningFilter): Promise<SlaWarning[]>;
  /** One page, oldest first by `raisedAt` (`slaWarningPosition`); `query.from`/`to` bound `raisedAt`. */
  page(filter: SlaWarningFilter, query: PageQuery): Promise<Page<SlaWarning>>;
  /** Removes up to `limit` warnings raised before `before`; how many went. */
  removeBefore(before: number, limit: number): Promise<number>;
}

export interface PolicyStore {
  get(facilityId: string): Promise<FacilityPolicy | undefined>;
  put(policy: FacilityPolicy): Promise<void>;
}

export interface AuditFilter {
  facilityId?: string;
  /** Undefined: every facility; empty: none. */
  facilityIds?: readonly string[];
  residentId?: string;
  /** Epoch ms, inclusive, on `at`. */
  from?: number;
  to?: number;
  /** At most this many (default `AUDIT_LIST_DEFAULT_LIMIT`, 500). */
  limit?: number;
}

/**
 * The audit log (contract §4.2: every read or change of resident health data). Append-only: an entry
 * is never changed, and leaves only by retention (by `at`, against the store's clock; 400 days by
 * default) or, in memory, by the count cap.
 */
export interface AuditStore {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first by `at`; entries of the same millisecond, the later appended first. */
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
}

/**
 * Audit entries are kept this long by default: a year of look-back for an annual review, and more
 * than the six months China's Cybersecurity Law (art. 21) asks of network logs.
 */
export const AUDIT_RETENTION_MS = 400 * 24 * 3_600_000;

import type { PartitionCheckpointStore, PartitionLeaseStore, PartitionLog } from './partition-types.ts';

export * from './partition-types.ts';

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
  /** Device messages admitted and not yet applied (issue 12). */
  uplinks: PartitionLog;
  leases: PartitionLeaseStore;
  checkpoints: PartitionCheckpointStore;
  /**
   * Writes out what the stores buffer in process (write-behind, issue 12); absent where nothing is
   * buffered (memory). The engine calls it before checkpoints; `close()` of Redis stores does too.
   */
  flush?(): Promise<void>;
}

export class ConflictError extends Error {
  readonly code = 'conflict';
}
