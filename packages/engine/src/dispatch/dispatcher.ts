import type { Alert, LoggedEvent } from '@vigil/contracts';
import { healthReport, news2FromLatest } from '@vigil/rules';
import type { Clock, Logger } from '@vigil/runtime';
import type { Stores } from '@vigil/stores';
import { KeyedLock } from '../alerts/keyed-lock.ts';
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
 * or rises in priority, cancelled when it is resolved. Listens to the event log, so it sees exactly
 * what the boards see; alerts are handled one at a time each.
 */
export class Dispatcher {
  private readonly lock = new KeyedLock();
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
    const alert = e.envelope.data;
    await this.lock.run(alert.id, async () => {
      switch (e.envelope.type) {
        case 'alert.raised':
        case 'alert.updated':
          await this.scheduleAck(alert);
          return this.ensureTasks(alert);
        case 'alert.acknowledged':
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

  /** Opens a remote consult for the alert unless it has one (an escalation step `medical`). */
  async openConsult(alertId: string): Promise<void> {
    const alert = await this.deps.stores.alerts.get(alertId);
    if (!alert || alert.state === 'resolved') return;
    await this.lock.run(alert.id, async () => {
      const existing = await this.deps.stores.tasks.list({ alertId: alert.id, kind: 'remote_consult' });
      if (existing.some((t) => t.state !== 'cancelled')) return;
      await this.deps.tasks.create(alert, 'remote_consult', 'medical', await this.consultContext(alert));
    });
  }

  /** The acknowledgement limit of the alert's (current) priority, from when it was raised. */
  private async scheduleAck(alert: Alert): Promise<void> {
    if (alert.state !== 'active') return;
    const limit = (await this.deps.policy.get(alert.facilityId)).ackLimitMs[alert.priority];
    await this.deps.stores.deadlines.schedule({
      id: ackDeadline(alert.id),
      kind: 'alert_ack',
      facilityId: alert.facilityId,
      alertId: alert.id,
      dueAt: Date.parse(alert.raisedAt) + limit,
    });
  }

  private async ensureTasks(alert: Alert): Promise<void> {
    if (alert.state === 'resolved') return;
    const existing = await this.deps.stores.tasks.list({ alertId: alert.id });
    if (existing.some((t) => t.priority !== alert.priority)) await this.deps.tasks.reprioritise(alert);
    for (const plan of tasksFor(alert)) {
      if (existing.some((t) => t.kind === plan.kind && t.state !== 'cancelled')) continue;
      const context = plan.kind === 'remote_consult' ? await this.consultContext(alert) : undefined;
      const task = await this.deps.tasks.create(alert, plan.kind, plan.role, context);
      this.log.info(
        { alertId: alert.id, taskId: task.id, kind: task.kind, assigneeId: task.assigneeId },
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
