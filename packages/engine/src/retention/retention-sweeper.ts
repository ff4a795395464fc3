import { type Clock, type Logger, repeatAfter } from '@vigil/runtime';
import type { Stores } from '@vigil/stores';

const DAY_MS = 24 * 3_600_000;

/**
 * How long finished things are kept (issue 12 "bounded state"; docs/deploy.md "Retention"). Open
 * alerts and unfinished tasks are never removed, however old. 92 days by default, the longest range
 * `GET /api/sla/report` accepts, so that report always finds every alert, task and warning it counts.
 */
export interface RetentionPolicy {
  /** Resolved alerts, by `resolvedAt`. */
  resolvedAlertsMs: number;
  /** Done or cancelled tasks, by `completedAt` (a cancellation: its latest time). */
  finishedTasksMs: number;
  /** SLA warnings, by `raisedAt`. */
  slaWarningsMs: number;
  /**
   * Vitals history, by device time; 31 days by default, the longest range the vitals, report and
   * FHIR endpoints read. (A TSDB keeps its own retention policy instead.)
   */
  vitalsMs: number;
}

export const DEFAULT_RETENTION: Readonly<RetentionPolicy> = Object.freeze({
  resolvedAlertsMs: 92 * DAY_MS,
  finishedTasksMs: 92 * DAY_MS,
  slaWarningsMs: 92 * DAY_MS,
  vitalsMs: 31 * DAY_MS,
});

/** Between sweeps: removal is not urgent, and every sweep reads the resident list. */
export const RETENTION_SWEEP_MS = 10 * 60_000;
/** Removals per store call, so one sweep never holds Redis for long. */
const BATCH = 500;

export interface RetentionSweeperDeps {
  stores: Pick<Stores, 'alerts' | 'tasks' | 'slaWarnings' | 'vitals' | 'residents'>;
  clock: Clock;
  logger: Logger;
  policy?: RetentionPolicy;
}

export interface SweepResult {
  alerts: number;
  tasks: number;
  slaWarnings: number;
  vitalsPoints: number;
}

/**
 * Removes what retention lets go, on the engine role (the event log and the audit log trim
 * themselves as they append). Driven by the injected clock: `sweep()` is what tests call, `start()`
 * repeats it. Removals are idempotent, so several engines sweeping the same Redis only repeat work.
 */
export class RetentionSweeper {
  private cancel: (() => void) | undefined;
  private readonly log: Logger;
  private readonly policy: RetentionPolicy;

  constructor(private readonly deps: RetentionSweeperDeps) {
    this.log = deps.logger.child({ module: 'retention' });
    this.policy = deps.policy ?? DEFAULT_RETENTION;
  }

  start(intervalMs = RETENTION_SWEEP_MS): void {
    this.cancel ??= repeatAfter(
      this.deps.clock,
      intervalMs,
      () => this.sweep(),
      (err) => this.log.error({ err }, 'retention sweep failed'),
    );
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  async sweep(): Promise<SweepResult> {
    const { stores } = this.deps;
    const now = this.deps.clock.now();
    const p = this.policy;
    const result: SweepResult = {
      alerts: await drain((n) => stores.alerts.removeResolvedBefore(now - p.resolvedAlertsMs, n)),
      tasks: await drain((n) => stores.tasks.removeFinishedBefore(now - p.finishedTasksMs, n)),
      slaWarnings: await drain((n) => stores.slaWarnings.removeBefore(now - p.slaWarningsMs, n)),
      vitalsPoints: 0,
    };
    const trim = stores.vitals.trimBefore?.bind(stores.vitals);
    if (trim) {
      for (const r of await stores.residents.list()) result.vitalsPoints += await trim(r.id, now - p.vitalsMs);
    }
    if (Object.values(result).some((n) => n > 0)) this.log.info(result, 'retention removed');
    return result;
  }
}

/** Calls `remove` in batches until one comes back short; the total removed. */
async function drain(remove: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await remove(BATCH);
    total += n;
    if (n < BATCH) return total;
  }
}
