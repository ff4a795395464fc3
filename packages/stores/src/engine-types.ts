import type { LoggedEvent, RuleSettings } from '@vigil/contracts';

/** What the engine keeps between messages: locks, vitals history, the event log, rule settings and memory. */

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
  /**
   * Forgets every point and latest value of a resident, those still buffered included: an import
   * taken back before its resident was created (issue 15). Absent where the history cannot delete
   * (a TSDB keeps what it was sent until its retention).
   */
  erase?(residentId: string): Promise<void>;
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
