import type { AlertResolution, ResolveOutcome, Task } from '@vigil/contracts';
import { DomainError } from '@vigil/engine';
import type { AuthUser } from './auth-guard.ts';
import type { GatewayContext } from './context.ts';

/** Task states in which someone is on it: resolving the alert would cancel their work (dispatcher). */
const UNDER_WAY: readonly Task['state'][] = ['accepted', 'in_progress'];

/**
 * After an alert's task was completed (contract §4.1 `complete` with `outcome`): resolves the alert
 * with the outcome in the same request, through the AlertService like `POST /api/alerts/{id}/resolve`
 * (so `alert.resolved` goes out, the dispatcher stops the acknowledgement deadline and cancels the
 * alert's tasks not yet under way, and the log names the resolver), or says why it stays open.
 *
 * The completer may resolve the alert whatever their role's rights on alerts ("a user who completes
 * an alert's task may resolve that alert"): they were there. Another task of the alert under way (a
 * consult in progress while the on-site check finishes) keeps it open: a person resolving it on the
 * board decides that, not a side effect of finishing one's own part.
 */
export async function resolveCompletedTaskAlert(
  ctx: GatewayContext,
  user: AuthUser,
  task: Task,
  outcome: ResolveOutcome | undefined,
  note: string | undefined,
): Promise<AlertResolution | undefined> {
  const alertId = task.alertId;
  if (alertId === undefined) return undefined;
  const alert = await ctx.stores.alerts.get(alertId);
  // Retention deletes resolved alerts only: a missing one was resolved long ago.
  if (!alert || alert.state === 'resolved') return { status: 'already_resolved', alertId };
  if (outcome === undefined) return { status: 'left_open', alertId, reason: 'no_outcome' };
  const siblings = await ctx.stores.tasks.list({ alertId });
  if (siblings.some((t) => t.id !== task.id && UNDER_WAY.includes(t.state))) {
    return { status: 'left_open', alertId, reason: 'other_task_under_way' };
  }
  try {
    await ctx.alerts.resolve(alertId, user.id, outcome, note);
  } catch (err) {
    // Someone resolved it between our read and the AlertService's lock.
    if (err instanceof DomainError && err.code === 'illegal_state') return { status: 'already_resolved', alertId };
    throw err;
  }
  return { status: 'resolved', alertId, outcome };
}
