import type {
  Alert,
  AlertKind,
  AlertState,
  FacilityPolicy,
  SlaWarning,
  SlaWarningKind,
  Task,
  TaskKind,
  TaskState,
} from '@vigil/contracts';

/** Alerts, tasks, deadlines, SLA warnings and policies, and the keyset pages their lists come in. */

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
  /** Puts the policy in force and keeps it in the facility's history (issue 14: every version kept). */
  put(policy: FacilityPolicy): Promise<void>;
  /** Every version put, oldest first (the defaults, version 1, are never put and so not here). */
  history(facilityId: string): Promise<FacilityPolicy[]>;
}
