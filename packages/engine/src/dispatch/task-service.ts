import type { Alert, Task, TaskKind, TaskRole } from '@vigil/contracts';
import { toIso } from '@vigil/contracts';
import { type Clock, type Logger, newId } from '@vigil/runtime';
import type { Deadline, Stores, UserRecord } from '@vigil/stores';
import { DomainError, illegalState, notFound } from '../errors.ts';
import type { PolicyService } from './policy-service.ts';
import { candidatesFor, managersOf } from './roster.ts';
import type { SlaMonitor } from './sla-monitor.ts';

type TaskEventType =
  | 'task.created'
  | 'task.assigned'
  | 'task.accepted'
  | 'task.started'
  | 'task.completed'
  | 'task.reassigned'
  | 'task.escalated'
  | 'task.cancelled';

/** Who is acting: the user record as the gateway resolved it. */
export interface Actor {
  id: string;
  role: UserRecord['role'];
  facilityIds: readonly string[];
}

/** Roles that may take each kind of task (contract §4.2); managers may take any in their facility. */
const TAKES: Record<TaskKind, readonly string[]> = {
  onsite_check: ['caregiver', 'manager'],
  remote_consult: ['medical', 'manager'],
  facility_maintenance: ['maintenance', 'manager'],
};

export interface TaskServiceDeps {
  stores: Stores;
  policy: PolicyService;
  sla: SlaMonitor;
  clock: Clock;
  logger: Logger;
}

/**
 * Tasks (contract §3.2): open → assigned → accepted → in_progress → done, or cancelled. Every limit
 * is a deadline in the store (`task:<id>:accept`, `…:complete`, `…:escalate`), so it fires once even
 * after a restart. Mutations of one task are serialised across engine processes (`task:<id>` in
 * `stores.locks`), each re-reading the task under the lock; only `sla:` locks are taken inside.
 */
export class TaskService {
  private readonly log: Logger;

  constructor(private readonly deps: TaskServiceDeps) {
    this.log = deps.logger.child({ module: 'tasks' });
  }

  /** Creates a task for an alert and assigns it at once (nobody on duty: straight to a manager). */
  async create(alert: Alert, kind: TaskKind, role: TaskRole, context?: Record<string, unknown>): Promise<Task> {
    const now = this.deps.clock.now();
    const policy = await this.deps.policy.get(alert.facilityId);
    const task: Task = {
      id: newId('tk'),
      facilityId: alert.facilityId,
      kind,
      role,
      priority: alert.priority,
      state: 'open',
      alertId: alert.id,
      ...(alert.residentId && { residentId: alert.residentId }),
      ...(alert.zoneId && { zoneId: alert.zoneId }),
      ...(alert.roomId && { roomId: alert.roomId }),
      createdAt: toIso(now),
      acceptBy: toIso(now + policy.acceptLimitMs[kind]),
      completeBy: toIso(now + policy.acceptLimitMs[kind] + policy.completeLimitMs[kind]),
      escalationLevel: 0,
      ...(context && { context }),
    };
    await this.deps.stores.tasks.put(task);
    await this.emit('task.created', task);
    return this.locked(task.id, () => this.assignNext(task, 'task.assigned'));
  }

  async accept(id: string, actor: Actor, note?: string): Promise<Task> {
    return this.change(id, actor, async (t) => {
      if (t.state !== 'assigned' && t.state !== 'open')
        throw illegalState(`task ${id} is ${t.state}; only an assigned task can be accepted`);
      if (t.assigneeId && t.assigneeId !== actor.id && actor.role !== 'manager')
        throw new DomainError('forbidden', `task ${id} is assigned to someone else`);
      const now = this.deps.clock.now();
      const policy = await this.deps.policy.get(t.facilityId);
      const completeBy = now + policy.completeLimitMs[t.kind];
      const accepted: Task = {
        ...t,
        state: 'accepted',
        assigneeId: actor.id,
        assignedAt: t.assignedAt ?? toIso(now),
        acceptedAt: toIso(now),
        completeBy: toIso(completeBy),
        ...(note && { note }),
      };
      await this.save(accepted, 'task.accepted');
      await this.cancelDeadlines(t.id, ['accept', 'escalate']);
      await this.schedule({ id: `task:${t.id}:complete`, kind: 'task_complete', dueAt: completeBy }, accepted);
      await this.deps.sla.consultAnswered(accepted);
      return accepted;
    });
  }

  async start(id: string, actor: Actor, note?: string): Promise<Task> {
    return this.change(id, actor, async (t) => {
      if (t.state !== 'accepted') throw illegalState(`task ${id} is ${t.state}; only an accepted task can be started`);
      this.assertAssignee(t, actor);
      const started: Task = {
        ...t,
        state: 'in_progress',
        startedAt: toIso(this.deps.clock.now()),
        ...(note && { note }),
      };
      await this.save(started, 'task.started');
      return started;
    });
  }

  async complete(id: string, actor: Actor, note?: string): Promise<Task> {
    return this.change(id, actor, async (t) => {
      if (t.state !== 'accepted' && t.state !== 'in_progress')
        throw illegalState(`task ${id} is ${t.state}; complete needs accepted or in_progress`);
      this.assertAssignee(t, actor);
      const done: Task = { ...t, state: 'done', completedAt: toIso(this.deps.clock.now()), ...(note && { note }) };
      await this.save(done, 'task.completed');
      await this.cancelDeadlines(t.id, ['complete']);
      return done;
    });
  }

  /** The assignee passes: the task goes to the next free person, never back to them. */
  async decline(id: string, actor: Actor, reason?: string): Promise<Task> {
    return this.change(id, actor, async (t) => {
      if (t.state !== 'assigned') throw illegalState(`task ${id} is ${t.state}; only an assigned task can be declined`);
      this.assertAssignee(t, actor);
      const passed: Task = { ...t, passedBy: [...(t.passedBy ?? []), actor.id], ...(reason && { note: reason }) };
      this.log.info({ taskId: id, by: actor.id }, 'task declined');
      const next = await this.assignNext(passed, 'task.reassigned');
      // The new assignee gets the full time of the current escalation step, not what was left of it.
      await this.scheduleEscalation(next, next.escalationLevel);
      return next;
    });
  }

  /** Delivery receipt (Socket.IO `receipt`): the assignee's board showed the alert. */
  async delivered(alertId: string, userId: string): Promise<void> {
    for (const t of await this.deps.stores.tasks.list({ alertId, assigneeId: userId })) {
      if (t.deliveredAt || t.state === 'done' || t.state === 'cancelled') continue;
      await this.locked(t.id, async () => {
        const fresh = await this.deps.stores.tasks.get(t.id);
        if (fresh && !fresh.deliveredAt && fresh.assigneeId === userId)
          await this.deps.stores.tasks.put({ ...fresh, deliveredAt: toIso(this.deps.clock.now()) });
      });
    }
  }

  /** The alert no longer needs people: open and assigned tasks are cancelled; those under way stay. */
  async cancelForAlert(alert: Alert, reason: string, evenUnderWay: boolean): Promise<void> {
    for (const t of await this.deps.stores.tasks.list({ alertId: alert.id })) {
      await this.locked(t.id, async () => {
        const fresh = await this.deps.stores.tasks.get(t.id);
        if (!fresh || fresh.state === 'done' || fresh.state === 'cancelled') return;
        if (!evenUnderWay && (fresh.state === 'accepted' || fresh.state === 'in_progress')) return;
        await this.save({ ...fresh, state: 'cancelled', cancelReason: reason }, 'task.cancelled');
        await this.cancelDeadlines(t.id, ['accept', 'escalate', 'complete']);
      });
    }
  }

  /** The alert's priority rose: its open tasks follow, with the tighter limits of the new priority. */
  async reprioritise(alert: Alert): Promise<void> {
    for (const t of await this.deps.stores.tasks.list({ alertId: alert.id })) {
      if (t.priority === alert.priority || t.state === 'done' || t.state === 'cancelled') continue;
      await this.locked(t.id, async () => {
        // Every engine's dispatcher gets here for the same rise: only the first changes anything.
        const fresh = await this.deps.stores.tasks.get(t.id);
        if (!fresh || fresh.priority === alert.priority || fresh.state === 'done' || fresh.state === 'cancelled')
          return;
        await this.save({ ...fresh, priority: alert.priority }, 'task.escalated');
      });
    }
  }

  /** Deadline handlers (see DeadlineRunner). Each checks the task first: a stale deadline does nothing. */
  async acceptOverdue(d: Deadline): Promise<void> {
    const t = d.taskId ? await this.deps.stores.tasks.get(d.taskId) : undefined;
    if (t?.state !== 'assigned') return;
    const policy = await this.deps.policy.get(t.facilityId);
    await this.deps.sla.warn({
      id: `sla_${d.id}_${t.assigneeId ?? 'none'}`,
      facilityId: t.facilityId,
      kind: 'accept_overdue',
      taskId: t.id,
      ...(t.alertId && { alertId: t.alertId }),
      staffId: t.assigneeId,
      limitMs: policy.acceptLimitMs[t.kind],
      actualMs: this.deps.clock.now() - Date.parse(t.assignedAt ?? t.createdAt),
      detail: `${t.kind} not accepted within ${minutes(policy.acceptLimitMs[t.kind])}`,
    });
  }

  async completeOverdue(d: Deadline): Promise<void> {
    const t = d.taskId ? await this.deps.stores.tasks.get(d.taskId) : undefined;
    if (!t || (t.state !== 'accepted' && t.state !== 'in_progress')) return;
    const policy = await this.deps.policy.get(t.facilityId);
    await this.deps.sla.warn({
      id: `sla_${d.id}`,
      facilityId: t.facilityId,
      kind: 'complete_overdue',
      taskId: t.id,
      ...(t.alertId && { alertId: t.alertId }),
      staffId: t.assigneeId,
      limitMs: policy.completeLimitMs[t.kind],
      actualMs: this.deps.clock.now() - Date.parse(t.acceptedAt ?? t.createdAt),
      detail: `${t.kind} not completed within ${minutes(policy.completeLimitMs[t.kind])} of acceptance`,
    });
  }

  /**
   * One escalation step (facility policy): hand the task to the next caregiver, tell the managers, or
   * open a remote consult, then schedule the next step. `openConsult` is the dispatcher's.
   */
  async escalate(d: Deadline, openConsult: (alertId: string) => Promise<void>): Promise<void> {
    const id = d.taskId;
    if (!id) return;
    const consultFor = await this.locked(id, async (): Promise<string | undefined> => {
      const t = await this.deps.stores.tasks.get(id);
      const stepIndex = d.step ?? 0;
      if (t?.state !== 'assigned' || t.escalationLevel > stepIndex) return undefined;
      const policy = await this.deps.policy.get(t.facilityId);
      const step = policy.escalation[stepIndex];
      if (!step) return undefined;
      const level = stepIndex + 1;
      let next: Task = { ...t, escalationLevel: level };
      if (step.target === 'next_caregiver') {
        next = { ...next, passedBy: [...(t.passedBy ?? []), ...(t.assigneeId ? [t.assigneeId] : [])] };
        next = await this.assignNext(next, 'task.reassigned');
      } else {
        await this.save(next, 'task.escalated');
      }
      this.log.info({ taskId: t.id, step: stepIndex, target: step.target }, 'task escalated');
      await this.scheduleEscalation(next, level);
      return step.target === 'medical' && t.alertId && t.kind !== 'remote_consult' ? t.alertId : undefined;
    });
    // After the task lock, never inside it: `openConsult` takes the alert's dispatch lock, which the
    // dispatcher holds while it takes task locks. It re-checks for a consult under that lock.
    if (consultFor) await openConsult(consultFor);
  }

  /** Picks the next candidate (or a manager, with an SLA warning) and schedules the limits. */
  private async assignNext(task: Task, type: 'task.assigned' | 'task.reassigned'): Promise<Task> {
    const now = this.deps.clock.now();
    const [best] = await candidatesFor(this.deps.stores, task);
    let assignee = best?.user;
    if (!assignee) {
      const [manager] = await managersOf(this.deps.stores, task.facilityId);
      assignee = manager;
      await this.deps.sla.warn({
        id: `sla_noduty_${task.id}_${task.passedBy?.length ?? 0}`,
        facilityId: task.facilityId,
        kind: 'no_staff_on_duty',
        taskId: task.id,
        ...(task.alertId && { alertId: task.alertId }),
        ...(manager && { staffId: manager.id }),
        limitMs: 0,
        detail: `no ${task.role} on duty${task.passedBy?.length ? ' who has not passed on it' : ''}: ${task.kind} ${manager ? `went to manager ${manager.name}` : 'has no one to go to'}`,
      });
    }
    const policy = await this.deps.policy.get(task.facilityId);
    const assigned: Task = assignee
      ? {
          ...task,
          state: 'assigned',
          assigneeId: assignee.id,
          assignedAt: toIso(now),
          acceptBy: toIso(now + policy.acceptLimitMs[task.kind]),
        }
      : { ...task, state: 'open' };
    if (!assignee) delete assigned.assigneeId;
    delete assigned.deliveredAt;
    await this.save(assigned, assignee ? type : 'task.escalated');
    await this.schedule(
      { id: `task:${task.id}:accept`, kind: 'task_accept', dueAt: now + policy.acceptLimitMs[task.kind] },
      assigned,
    );
    if (type === 'task.assigned') await this.scheduleEscalation(assigned, 0);
    return assigned;
  }

  private async scheduleEscalation(task: Task, stepIndex: number): Promise<void> {
    const policy = await this.deps.policy.get(task.facilityId);
    const step = policy.escalation[stepIndex];
    if (!step) return this.deps.stores.deadlines.cancel(`task:${task.id}:escalate`);
    await this.schedule(
      {
        id: `task:${task.id}:escalate`,
        kind: 'task_escalate',
        dueAt: this.deps.clock.now() + step.afterMs[task.priority],
        step: stepIndex,
      },
      task,
    );
  }

  private schedule(d: Omit<Deadline, 'facilityId' | 'taskId' | 'alertId'>, t: Task) {
    return this.deps.stores.deadlines.schedule({
      ...d,
      facilityId: t.facilityId,
      taskId: t.id,
      ...(t.alertId && { alertId: t.alertId }),
    });
  }

  private async cancelDeadlines(taskId: string, which: ('accept' | 'complete' | 'escalate')[]) {
    for (const w of which) await this.deps.stores.deadlines.cancel(`task:${taskId}:${w}`);
  }

  private async change(id: string, actor: Actor, fn: (t: Task) => Promise<Task>): Promise<Task> {
    return this.locked(id, async () => {
      const t = await this.deps.stores.tasks.get(id);
      if (!t || !actor.facilityIds.includes(t.facilityId)) throw notFound(`task ${id}`);
      if (!TAKES[t.kind].includes(actor.role))
        throw new DomainError('forbidden', `a ${actor.role} cannot act on a ${t.kind} task`);
      return fn(t);
    });
  }

  private locked<T>(taskId: string, fn: () => Promise<T>): Promise<T> {
    return this.deps.stores.locks.run(`task:${taskId}`, fn);
  }

  private assertAssignee(t: Task, actor: Actor) {
    if (t.assigneeId !== actor.id && actor.role !== 'manager')
      throw new DomainError('forbidden', `task ${t.id} is assigned to someone else`);
  }

  private async save(t: Task, type: TaskEventType) {
    await this.deps.stores.tasks.put(t);
    await this.emit(type, t);
  }

  private async emit(type: TaskEventType, task: Task) {
    await this.deps.stores.events.append({ event: 'task', type, facilityId: task.facilityId, data: task });
  }
}

const minutes = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);
