import type { Alert, LoggedEvent, Task } from '@vigil/contracts';
import { healthReport, news2FromLatest } from '@vigil/rules';
import type { Clock, Logger } from '@vigil/runtime';
import type { Stores } from '@vigil/stores';
import type { RuleSettingsService } from '../rules/rule-settings-service.ts';
import { tasksFor } from './dispatch-policy.ts';
import type { PolicyService } from './policy-service.ts';
import type { TaskService } from './task-service.ts';

export interface DispatcherDeps {
  stores: Stores;
  tasks: TaskService;
  ruleSettings: RuleSettingsService;
  policy: PolicyService;
  clock: Clock;
  logger: Logger;
}

const HOUR = 3_600_000;

/**
 * Turns alerts into work for people (issue 4): tasks per the dispatch policy when an alert is raised
 * or re-raised (contract §3.1), cancelled when it is resolved. Listens to the event log, so it sees
 * exactly what the boards see. Every engine process follows the same log, so each alert event is
 * handled by all of them: each handling runs under `dispatch:alert:<id>` in `stores.locks` and
 * decides from the alert and its tasks as stored, re-read under the lock, never from the event, so
 * the handlings after the first change nothing (and a lagging engine cannot act on an alert that has
 * moved on).
 * Lock order: `dispatch:alert:` before `task:` before `sla:`; nothing takes them the other way round.
 */
export class Dispatcher {
  private readonly log: Logger;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DispatcherDeps) {
    this.log = deps.logger.child({ module: 'dispatch' });
  }

  /** Follows the event log; returns the unsubscribe function. */
  start(): () => void {
    return this.deps.stores.events.subscribe((e) => {
      if (e.event !== 'alert') return;
      this.chain = this.chain
        .then(() => this.onAlert(e))
        .catch((err: unknown) => this.log.error({ err, alertId: e.envelope.data.id }, 'dispatch failed'));
    });
  }

  /** Resolves once every alert event seen so far has been handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  async onAlert(e: Extract<LoggedEvent, { event: 'alert' }>): Promise<void> {
    const id = e.envelope.data.id;
    await this.lock(id, async () => {
      // The alert as it is now: another engine may have handled this and later events already.
      const alert = (await this.deps.stores.alerts.get(id)) ?? e.envelope.data;
      switch (e.envelope.type) {
        case 'alert.raised':
        case 'alert.updated':
          await this.scheduleAck(alert);
          return this.ensureTasks(alert, false);
        case 'alert.reraised':
          // contract §3.1: a new acknowledgement deadline, a new task where the last one is finished.
          await this.scheduleAck(alert);
          return this.ensureTasks(alert, true);
        case 'alert.acknowledged':
          // Active again: re-raised after this acknowledgement, and its deadline is the re-raise's.
          if (alert.state === 'active') return;
          return this.deps.stores.deadlines.cancel(ackDeadline(alert.id));
        case 'alert.resolved':
          await this.deps.stores.deadlines.cancel(ackDeadline(alert.id));
          // A person resolved it, or the resident cancelled an SOS: nobody needs to go any more. A
          // condition that cleared by itself still leaves a check already under way to finish.
          return this.deps.tasks.cancelForAlert(
            alert,
            `alert ${alert.outcome ?? 'resolved'}`,
            alert.outcome !== 'self_cleared',
          );
        default:
          return;
      }
    });
  }

  /**
   * Opens a remote consult for the alert unless it has one (an escalation step `medical`). Called by
   * the deadline runner outside any task lock (lock order).
   */
  async openConsult(alertId: string): Promise<void> {
    await this.lock(alertId, async () => {
      const alert = await this.deps.stores.alerts.get(alertId);
      if (!alert || alert.state === 'resolved') return;
      const existing = await this.deps.stores.tasks.list({ alertId: alert.id, kind: 'remote_consult' });
      if (existing.some((t) => t.state !== 'cancelled')) return;
      await this.deps.tasks.create(alert, 'remote_consult', 'medical', await this.consultContext(alert));
    });
  }

  /** Every creation of a task for an alert happens under this lock, so "does it have one?" stays true. */
  private lock<T>(alertId: string, fn: () => Promise<T>): Promise<T> {
    return this.deps.stores.locks.run(`dispatch:alert:${alertId}`, fn);
  }

  /**
   * The acknowledgement limit of the alert's (current) priority, counted from when it was raised or
   * last re-raised (contract §3.1 "a new acknowledgement deadline"), but never later than a limit
   * already running: a repeat on an alert nobody has acknowledged must not buy it time (a resident
   * pressing SOS again and again would otherwise never be reported). After an acknowledgement there
   * is no running limit, so a re-raise gets the full one; a limit being fired (claimed) has run out.
   */
  private async scheduleAck(alert: Alert): Promise<void> {
    if (alert.state !== 'active') return;
    const limit = (await this.deps.policy.get(alert.facilityId)).ackLimitMs[alert.priority];
    const fresh = Date.parse(alert.reraisedAt ?? alert.raisedAt) + limit;
    const stored = await this.deps.stores.deadlines.get(ackDeadline(alert.id));
    const running = stored?.claim === undefined ? stored : undefined;
    const dueAt = running ? Math.min(running.dueAt, fresh) : fresh;
    if (running?.dueAt === dueAt) return;
    await this.deps.stores.deadlines.schedule({
      id: ackDeadline(alert.id),
      kind: 'alert_ack',
      facilityId: alert.facilityId,
      alertId: alert.id,
      dueAt,
    });
  }

  /**
   * Idempotent: re-reads the alert's tasks under the alert lock and creates only the missing ones.
   * A kind is missing when it has no task other than cancelled ones; on a re-raise (contract §3.1 "a
   * new on-site task if the previous one is finished") also when every earlier one was finished
   * by the time of the re-raise (see `reraiseNeeds`).
   */
  private async ensureTasks(alert: Alert, reraise: boolean): Promise<void> {
    if (alert.state === 'resolved') return;
    const existing = await this.deps.stores.tasks.list({ alertId: alert.id });
    if (existing.some((t) => t.priority !== alert.priority)) await this.deps.tasks.reprioritise(alert);
    for (const plan of tasksFor(alert)) {
      const ofKind = existing.filter((t) => t.kind === plan.kind);
      const missing =
        reraise && alert.reraisedAt
          ? reraiseNeeds(ofKind, alert.reraisedAt)
          : ofKind.every((t) => t.state === 'cancelled');
      if (!missing) continue;
      const context = plan.kind === 'remote_consult' ? await this.consultContext(alert) : undefined;
      const task = await this.deps.tasks.create(alert, plan.kind, plan.role, context);
      this.log.info(
        { alertId: alert.id, taskId: task.id, kind: task.kind, assigneeId: task.assigneeId, reraise },
        'task dispatched',
      );
    }
  }

  /**
   * What a remote consult starts from (contract §3.2): the alert and its explanation, the latest
   * vitals, NEWS2 with sub-scores, and a one-hour trend (min/mean/max and time out of range).
   */
  private async consultContext(alert: Alert): Promise<Record<string, unknown>> {
    const base = { alert: { id: alert.id, kind: alert.kind, title: alert.title, explanation: alert.explanation } };
    if (!alert.residentId) return base;
    const resident = await this.deps.stores.residents.get(alert.residentId);
    if (!resident) return base;
    const now = this.deps.clock.now();
    const [latest, points, settings] = await Promise.all([
      this.deps.stores.vitals.latest(resident.id),
      this.deps.stores.vitals.range(resident.id, now - HOUR, now),
      this.deps.ruleSettings.get(resident.facilityId),
    ]);
    const trend = healthReport({
      residentId: resident.id,
      from: now - HOUR,
      to: now,
      points,
      alerts: [],
      carePlan: resident.carePlan,
      settings,
    });
    return {
      ...base,
      latest: latest
        ? Object.fromEntries(
            Object.entries(latest.values).map(([k, r]) => [k, { v: r.v, at: new Date(r.ts).toISOString() }]),
          )
        : {},
      news2: latest ? news2FromLatest(latest, resident.carePlan, now) : null,
      trend: { from: trend.from, to: trend.to, vitals: trend.vitals, worstNews2: trend.news2.worst },
      carePlan: resident.carePlan,
    };
  }
}

const ackDeadline = (alertId: string) => `alert:${alertId}:ack`;

/**
 * Whether a re-raise at `reraisedAt` needs a new task of a kind, given the alert's tasks of that kind
 * (contract §3.1): yes when each was finished by then (done before the re-raise, or cancelled). Decided
 * from stored times, not from when an engine gets to it, so every engine decides the same for one
 * re-raise, however late: the task it creates is itself unfinished or finished after `reraisedAt`, and
 * an earlier task completed after the re-raise was still under way when the new call came.
 */
export function reraiseNeeds(
  tasks: readonly Pick<Task, 'state' | 'createdAt' | 'completedAt'>[],
  reraisedAt: string,
): boolean {
  const at = Date.parse(reraisedAt);
  return tasks.every(
    (t) =>
      t.state === 'cancelled' ||
      (t.state === 'done' && Date.parse(t.createdAt) < at && Date.parse(t.completedAt ?? t.createdAt) <= at),
  );
}
