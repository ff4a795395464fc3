import {
  Id,
  type Resident,
  type Task,
  TaskActionRequest,
  TaskCompleteRequest,
  type TaskCompleteResponse,
  TaskDeclineRequest,
  TaskState,
} from '@vigil/contracts';
import type { Actor } from '@vigil/engine';
import { taskPosition } from '@vigil/stores';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasHealthNote } from '../access.ts';
import { type AuthUser, requireRole, userOf } from '../auth-guard.ts';
import type { GatewayContext, RouteOptions } from '../context.ts';
import { taskContextNote, taskForViewer } from '../emergency-access.ts';
import { collectPage, linkNext, pageQuery, TimedPageParams } from '../paging.ts';
import { facilityScope, inScope, taskInScope } from '../scope.ts';
import { resolveCompletedTaskAlert } from '../task-completion.ts';
import { IdParams } from './facilities.ts';

/**
 * `GET /api/tasks`: `state` is a task state or `active` (assigned, accepted or in progress); paged,
 * `from`/`to` on `createdAt` (docs/api.md "Paging").
 */
export const TaskListQuery = z.object({
  state: z.union([TaskState, z.literal('active')]).optional(),
  assignee: z.literal('me').optional(),
  facilityId: Id.optional(),
  ...TimedPageParams,
});

/** Roles that see tasks (contract §4.2); residents see none. */
const TASK_VIEWERS = ['admin', 'manager', 'caregiver', 'medical', 'maintenance'] as const;
/** Roles that act on tasks; which kind each may take is the TaskService's rule (contract §4.2). */
const TASK_ACTORS = ['manager', 'caregiver', 'medical', 'maintenance'] as const;

const actorOf = (user: AuthUser): Actor => ({ id: user.id, role: user.role, facilityIds: user.facilityIds });

/**
 * Strips the health context the user may not see, reading each resident once; where only emergency
 * access lets the user see it (contract §4.3), it stays and the task says `emergencyAccess: true`.
 * Every task that goes out with its context is a read of the resident's health data: audited as
 * `task_context.read` (the one place REST hands out a task; a stripped context showed nothing and is
 * not recorded), with purpose `emergency` for an emergency access. A consult note that goes out is
 * audited the same way, as `task_note.read` (issue 14).
 */
export async function applyHealthConsent(ctx: GatewayContext, user: AuthUser, tasks: Task[]): Promise<Task[]> {
  const residents = new Map<string, Resident | undefined>();
  for (const t of tasks) {
    if (t.context === undefined || t.residentId === undefined || residents.has(t.residentId)) continue;
    residents.set(t.residentId, await ctx.stores.residents.get(t.residentId));
  }
  const out: Task[] = [];
  for (const t of tasks) {
    const resident = t.residentId === undefined ? undefined : residents.get(t.residentId);
    const shown = await taskForViewer(ctx.stores, user, t, resident);
    if (shown.context !== undefined && shown.residentId !== undefined) {
      ctx.audit.record(
        user,
        { id: shown.residentId, facilityId: shown.facilityId },
        'task_context.read',
        'allowed',
        taskContextNote(shown),
      );
    }
    if (hasHealthNote(shown) && shown.residentId !== undefined) {
      ctx.audit.record(
        user,
        { id: shown.residentId, facilityId: shown.facilityId },
        'task_note.read',
        'allowed',
        taskContextNote(shown),
      );
    }
    out.push(shown);
  }
  return out;
}

/**
 * Tasks (contract §3.2, §4.1): list, read, accept, start, complete, decline. The transitions, who may
 * take which kind and the deadlines are the TaskService's; DomainErrors map to 403, 404 and 409.
 */
export const taskRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  app.get('/', { schema: { querystring: TaskListQuery } }, async (req, reply) => {
    const user = userOf(req);
    requireRole(user, ...TASK_VIEWERS);
    const { state, assignee, facilityId } = req.query;
    const scope = facilityScope(user, facilityId);
    const query = pageQuery('tasks', req.query);
    const filter = {
      ...(scope !== undefined && { facilityIds: scope }),
      ...(state !== undefined && { state }),
      ...(assignee === 'me' && { assigneeId: user.id }),
    };
    // Oldest first (by creation), as the store keeps them.
    const page = await collectPage(
      (after) => ctx.stores.tasks.page(filter, { ...query, ...(after && { after }) }),
      (task) => inScope(user, { kind: 'task', task }),
      query,
      taskPosition,
    );
    linkNext(req, reply, 'tasks', page.next);
    return applyHealthConsent(ctx, user, page.items);
  });

  app.get('/:id', { schema: { params: IdParams } }, async (req) => {
    const user = userOf(req);
    const [shown] = await applyHealthConsent(ctx, user, [await taskInScope(ctx, user, req.params.id)]);
    return shown;
  });

  /** A consult note is health data written about the resident (issue 14): who wrote it, on which task. */
  function auditNoteWrite(user: AuthUser, task: Task, note: string | undefined, action: string): void {
    if (!note || !hasHealthNote(task) || task.residentId === undefined) return;
    ctx.audit.record(
      user,
      { id: task.residentId, facilityId: task.facilityId },
      'task_note.write',
      'allowed',
      `task ${task.id} (${action})`,
    );
  }

  for (const action of ['accept', 'start'] as const) {
    app.post(
      `/:id/${action}`,
      // No body at all arrives as null, like `POST /api/alerts/{id}/ack`.
      { schema: { params: IdParams, body: TaskActionRequest.nullish() } },
      async (req) => {
        const user = userOf(req);
        await taskInScope(ctx, user, req.params.id);
        requireRole(user, ...TASK_ACTORS);
        const task = await ctx.tasks[action](req.params.id, actorOf(user), req.body?.note);
        req.log.info({ taskId: task.id, action, by: user.id }, 'task changed');
        auditNoteWrite(user, task, req.body?.note, action);
        const [shown] = await applyHealthConsent(ctx, user, [task]);
        return shown;
      },
    );
  }

  // Completing an alert's task may resolve the alert in the same step (contract §4.1, task-completion.ts).
  app.post(
    '/:id/complete',
    { schema: { params: IdParams, body: TaskCompleteRequest.nullish() } },
    async (req): Promise<TaskCompleteResponse> => {
      const user = userOf(req);
      await taskInScope(ctx, user, req.params.id);
      requireRole(user, ...TASK_ACTORS);
      const { note, outcome } = req.body ?? {};
      const task = await ctx.tasks.complete(req.params.id, actorOf(user), note);
      req.log.info({ taskId: task.id, action: 'complete', by: user.id }, 'task changed');
      auditNoteWrite(user, task, note, 'complete');
      const alertResolution = await resolveCompletedTaskAlert(ctx, user, task, outcome, note);
      if (alertResolution) req.log.info({ taskId: task.id, by: user.id, ...alertResolution }, 'task alert');
      const [shown] = await applyHealthConsent(ctx, user, [task]);
      return { ...(shown as Task), ...(alertResolution && { alertResolution }) };
    },
  );

  app.post('/:id/decline', { schema: { params: IdParams, body: TaskDeclineRequest.nullish() } }, async (req) => {
    const user = userOf(req);
    await taskInScope(ctx, user, req.params.id);
    requireRole(user, ...TASK_ACTORS);
    const task = await ctx.tasks.decline(req.params.id, actorOf(user), req.body?.reason);
    // The task now belongs to someone else: the decliner still sees it if it is of their role.
    const [shown] = await applyHealthConsent(ctx, user, [task]);
    return shown;
  });
};
