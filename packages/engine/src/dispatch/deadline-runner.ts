import { type Alert, ALERT_KIND_TITLES } from '@vigil/contracts';
import type { Clock, Logger } from '@vigil/runtime';
import type { Deadline, Stores } from '@vigil/stores';
import type { AlertService } from '../alerts/alert-service.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { PolicyService } from './policy-service.ts';
import type { SlaMonitor } from './sla-monitor.ts';
import type { TaskService } from './task-service.ts';

export interface DeadlineRunnerDeps {
  stores: Pick<Stores, 'deadlines' | 'alerts'>;
  alerts: AlertService;
  tasks: TaskService;
  dispatcher: Dispatcher;
  sla: SlaMonitor;
  policy: PolicyService;
  clock: Clock;
  logger: Logger;
}

/** How often due deadlines are looked for; a limit fires at most this late. */
export const DEADLINE_TICK_MS = 1000;
/** A claimed deadline not marked done within this time is claimed again (its worker died). */
export const DEADLINE_LEASE_MS = 30_000;

/**
 * Fires due deadlines (issue 4 "durable deadlines"): claims them atomically from the store, so with
 * several workers each fires once, and one that was due while the platform was down fires at the
 * first tick after start. Driven by the injected clock; `tick()` is what tests call.
 */
export class DeadlineRunner {
  private cancel: (() => void) | undefined;
  private last: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly deps: DeadlineRunnerDeps) {
    this.log = deps.logger.child({ module: 'deadlines' });
  }

  start(intervalMs = DEADLINE_TICK_MS): void {
    const loop = () => {
      void this.tick()
        .catch((err: unknown) => this.log.error({ err }, 'deadline tick failed'))
        .finally(() => {
          if (this.cancel) this.cancel = this.deps.clock.setTimeout(loop, intervalMs);
        });
    };
    this.cancel = this.deps.clock.setTimeout(loop, 0);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /**
   * Fires everything due now; returns how many fired. Calls queue behind each other, and each reads
   * the clock when its turn comes, so a tick after the clock moved always sees the new time.
   */
  tick(): Promise<number> {
    const run = this.last.then(() => this.fireDue());
    // The queue goes on after a failed tick; the failure itself reaches whoever awaits `run` (the
    // loop in `start` logs it, a test sees it).
    this.last = run.catch(() => undefined);
    return run;
  }

  private async fireDue(): Promise<number> {
    let fired = 0;
    for (;;) {
      const due = await this.deps.stores.deadlines.claimDue(this.deps.clock.now(), 100, DEADLINE_LEASE_MS);
      if (due.length === 0) return fired;
      for (const d of due) {
        try {
          await this.fire(d);
          await this.deps.stores.deadlines.done(d.id, d.claim ?? '');
          fired++;
        } catch (err) {
          // Left claimed: it comes due again after the lease. Handlers are idempotent.
          this.log.error({ err, deadlineId: d.id }, 'deadline handler failed');
        }
      }
    }
  }

  private async fire(d: Deadline): Promise<void> {
    switch (d.kind) {
      case 'alert_ack':
        return this.alertUnacknowledged(d);
      case 'task_accept':
        return this.deps.tasks.acceptOverdue(d);
      case 'task_complete':
        return this.deps.tasks.completeOverdue(d);
      case 'task_escalate':
        return this.deps.tasks.escalate(d, (alertId) => this.deps.dispatcher.openConsult(alertId));
    }
  }

  /**
   * `alert_unacknowledged`: still active when its acknowledgement limit passed. Once per raise and
   * once per re-raise (contract §3.1: each has its own deadline), so the warning id names the re-raise.
   * The wait is counted from when the limit that ran out began: its due time less the limit (a repeat
   * on an unacknowledged alert keeps the running limit), or the (re-)raise if earlier (a deadline
   * claimed again after its worker died carries the lease's end as its due time).
   */
  private async alertUnacknowledged(d: Deadline): Promise<void> {
    const alert = d.alertId ? await this.deps.stores.alerts.get(d.alertId) : undefined;
    if (alert?.state !== 'active') return;
    const limit = (await this.deps.policy.get(alert.facilityId)).ackLimitMs[alert.priority];
    const cycle = alert.reraisedAt ? `_${Date.parse(alert.reraisedAt)}` : '';
    const warned = await this.deps.sla.warn({
      id: `sla_${d.id}${cycle}`,
      facilityId: alert.facilityId,
      kind: 'alert_unacknowledged',
      alertId: alert.id,
      limitMs: limit,
      actualMs: this.deps.clock.now() - Math.min(d.dueAt - limit, Date.parse(alert.reraisedAt ?? alert.raisedAt)),
      detail: unacknowledgedDetail(alert, limit),
      alertKind: alert.kind,
      alertPriority: alert.priority,
      residentId: alert.residentId,
    });
    if (warned) await this.deps.alerts.escalate(alert.id);
  }
}

/**
 * What a manager needs of an alert nobody acknowledged, and nothing more: which alert (id, plain kind
 * name, rule), about whom (resident id), since when, against which limit. Never the title: it carries
 * the values that fired ("Heart rate high: 163 bpm"), and SLA warnings go to managers whom the
 * resident's consent often does not cover (contract §4.2; issue 13).
 */
export function unacknowledgedDetail(alert: Alert, limitMs: number): string {
  const about = [
    `alert ${alert.id}`,
    `rule ${alert.explanation.rule}`,
    ...(alert.residentId !== undefined ? [`resident ${alert.residentId}`] : []),
    `raised ${alert.reraisedAt ?? alert.raisedAt}`,
  ];
  return `${alert.priority} alert ${ALERT_KIND_TITLES[alert.kind]} (${about.join(', ')}) not acknowledged within ${Math.round(limitMs / 1000)} s`;
}
