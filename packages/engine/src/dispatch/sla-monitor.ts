import {
  type AlertKind,
  type Priority,
  type SlaWarning,
  type SlaWarningKind,
  type Task,
  toIso,
} from '@vigil/contracts';
import type { Clock } from '@vigil/runtime';
import type { Stores } from '@vigil/stores';
import type { PolicyService } from './policy-service.ts';
import { warningNames } from './warning-names.ts';

export interface WarningInput {
  /** Deterministic: the same cause never warns twice, even when a handler is retried. */
  id: string;
  facilityId: string;
  kind: SlaWarningKind;
  taskId?: string | undefined;
  alertId?: string | undefined;
  staffId?: string | undefined;
  limitMs: number;
  actualMs?: number;
  count?: number;
  /** Plain words, never a health value (contract SlaWarning `detail`). */
  detail: string;
  alertKind?: AlertKind;
  alertPriority?: Priority;
  residentId?: string | undefined;
}

interface ConsultStreak {
  streak: number;
  /** Warnings raised so far, for their ids. */
  warned: number;
}

/**
 * SLA warnings to managers (contract §3.3, `sla` events): each stored under a deterministic id and
 * emitted once, across engine processes too (`sla:warning:<id>` in `stores.locks` around the
 * check-and-put). Also the two pattern warnings: the same person overdue again and again
 * (`sla:staff:`), and remote consult responses over their threshold several times in a row
 * (`sla:consult:`). Lock order: `sla:staff:` / `sla:consult:` before `sla:warning:`; callers may
 * hold task or dispatch locks, never the other way round.
 */
export class SlaMonitor {
  constructor(
    private readonly deps: {
      stores: Pick<
        Stores,
        'slaWarnings' | 'events' | 'ruleState' | 'locks' | 'alerts' | 'tasks' | 'residents' | 'users'
      >;
      policy: PolicyService;
      clock: Clock;
    },
  ) {}

  async warn(w: WarningInput): Promise<SlaWarning | undefined> {
    const warning = await this.deps.stores.locks.run(`sla:warning:${w.id}`, () => this.warnOnce(w));
    if (warning?.staffId && (warning.kind === 'accept_overdue' || warning.kind === 'complete_overdue')) {
      // After the warning's lock: the pattern check takes the person's lock, then warns in turn.
      const staffKey = `sla:staff:${warning.facilityId}:${warning.staffId}`;
      await this.deps.stores.locks.run(staffKey, () => this.staffOverdue(warning));
    }
    return warning;
  }

  private async warnOnce(w: WarningInput): Promise<SlaWarning | undefined> {
    const { slaWarnings, events } = this.deps.stores;
    if (await slaWarnings.get(w.id)) return undefined;
    const names = await warningNames(this.deps.stores, w);
    const warning: SlaWarning = {
      id: w.id,
      facilityId: w.facilityId,
      kind: w.kind,
      ...(w.taskId && { taskId: w.taskId }),
      ...(w.alertId && { alertId: w.alertId }),
      ...(w.staffId && { staffId: w.staffId }),
      limitMs: Math.round(w.limitMs),
      ...(w.actualMs !== undefined && { actualMs: Math.max(0, Math.round(w.actualMs)) }),
      ...(w.count !== undefined && { count: w.count }),
      detail: w.detail,
      raisedAt: toIso(this.deps.clock.now()),
      ...(w.alertKind && { alertKind: w.alertKind }),
      ...(w.alertPriority && { alertPriority: w.alertPriority }),
      ...names,
    };
    await slaWarnings.put(warning);
    await events.append({ event: 'sla', type: 'sla.warning', facilityId: w.facilityId, data: warning });
    return warning;
  }

  /** `staff_repeated_overdue`: the same person overdue `count` times within `windowMs`, once per window. */
  private async staffOverdue(trigger: SlaWarning): Promise<void> {
    const staffId = trigger.staffId as string;
    const { count, windowMs } = (await this.deps.policy.get(trigger.facilityId)).staffRepeatedOverdue;
    const from = this.deps.clock.now() - windowMs;
    const recent = await this.deps.stores.slaWarnings.list({ facilityId: trigger.facilityId, staffId, from });
    const overdue = recent.filter((w) => w.kind === 'accept_overdue' || w.kind === 'complete_overdue');
    if (overdue.length < count || recent.some((w) => w.kind === 'staff_repeated_overdue')) return;
    // Not an overdue kind, so this warn does not come back for the person's lock we hold.
    await this.warn({
      id: `sla_repeat_${trigger.id}`,
      facilityId: trigger.facilityId,
      kind: 'staff_repeated_overdue',
      staffId,
      limitMs: windowMs,
      count: overdue.length,
      detail: `${overdue.length} overdue tasks for the same staff member within ${Math.round(windowMs / 60_000)} min`,
    });
  }

  /**
   * A remote consult was accepted: its response time (creation → accept) extends or ends the
   * facility's streak of slow responses; `count` in a row warns, then the streak starts again.
   */
  consultAnswered(task: Task): Promise<void> {
    const { acceptedAt } = task;
    if (task.kind !== 'remote_consult' || !acceptedAt) return Promise.resolve();
    return this.deps.stores.locks.run(`sla:consult:${task.facilityId}`, () => this.countConsult(task, acceptedAt));
  }

  private async countConsult(task: Task, acceptedAt: string): Promise<void> {
    const { count, thresholdMs } = (await this.deps.policy.get(task.facilityId)).consultResponseStreak;
    const responseMs = Date.parse(acceptedAt) - Date.parse(task.createdAt);
    const key = `sla:consult-streak:${task.facilityId}`;
    const state = (await this.deps.stores.ruleState.get<ConsultStreak>(key)) ?? { streak: 0, warned: 0 };
    state.streak = responseMs > thresholdMs ? state.streak + 1 : 0;
    if (state.streak >= count) {
      state.warned++;
      await this.warn({
        id: `sla_consult_${task.facilityId}_${state.warned}_${task.id}`,
        facilityId: task.facilityId,
        kind: 'consult_response_streak',
        taskId: task.id,
        ...(task.assigneeId && { staffId: task.assigneeId }),
        limitMs: thresholdMs,
        actualMs: responseMs,
        count: state.streak,
        detail: `remote consult response over ${Math.round(thresholdMs / 60_000)} min ${state.streak} times in a row`,
      });
      state.streak = 0;
    }
    await this.deps.stores.ruleState.put(key, state);
  }
}
