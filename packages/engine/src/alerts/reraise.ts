import { type Alert, type AlertKind, PRIORITY_RANK, type Priority, toIso } from '@vigil/contracts';

/** One-off calls for help: each new one is a new call, never a sample of an ongoing condition. */
const CALLS_FOR_HELP: ReadonlySet<AlertKind> = new Set(['sos', 'fall']);

/**
 * Whether a raise on an open alert re-raises it (contract §3.1): a new SOS press or a new fall (not
 * an escalation of an episode, which SOS and fall do not have), or a worsening to a higher priority.
 * Anything else is a repeat, told as `alert.updated` and coalesced.
 */
export function isReraise(
  open: Pick<Alert, 'priority'>,
  input: { kind: AlertKind; priority: Priority },
  escalation: boolean,
): boolean {
  const worse = PRIORITY_RANK[input.priority] < PRIORITY_RANK[open.priority];
  return worse || (!escalation && CALLS_FOR_HELP.has(input.kind));
}

/**
 * The alert as re-raised at `now` (contract §3.1): active again, the acknowledgement dropped,
 * `reraisedAt` set. After an acknowledgement it is a new call (clinical.md "Repeats re-raise", as an
 * IEC 60601-1-8 alarm re-sounds after its audio pause), so the escalation chain starts again at 0. On
 * an alert nobody has acknowledged yet, the escalation it reached stays: a repeat must never make an
 * unanswered call look fresher than it is.
 */
export function reraised(updated: Alert, before: Pick<Alert, 'state' | 'escalationLevel'>, now: number): Alert {
  const { acknowledgedAt: _at, acknowledgedBy: _by, ...rest } = updated;
  return {
    ...rest,
    state: 'active',
    reraisedAt: toIso(now),
    escalationLevel: before.state === 'acknowledged' ? 0 : before.escalationLevel,
  };
}

/**
 * The same call for help again, not a new one: the press (or fall) the open alert last recorded,
 * from the same device at the same device time. A QoS 1 redelivery, or a partition's new owner
 * replaying the log after its checkpoint (issue 12), must not ring the alarm twice.
 */
export function isSameCall(
  open: Pick<Alert, 'kind' | 'deviceId' | 'explanation'>,
  input: { kind: AlertKind; deviceId?: string | undefined; explanation: { inputs: Record<string, unknown> } },
): boolean {
  return (
    CALLS_FOR_HELP.has(input.kind) &&
    open.deviceId === input.deviceId &&
    open.explanation.inputs.ts !== undefined &&
    open.explanation.inputs.ts === input.explanation.inputs.ts
  );
}

/**
 * The same episode of a condition again, not a new one: the open alert's condition still holds and
 * began at the same device time. A partition's new owner replaying the log after its checkpoint
 * re-derives the raise its predecessor already made (issue 12); it must count no second occurrence.
 * A new episode begins after the condition cleared, so it never matches an alert whose condition holds.
 */
export function isSameEpisode(
  open: Pick<Alert, 'conditionHolds' | 'explanation'>,
  input: { conditionHolds?: boolean | undefined; explanation: { inputs: Record<string, unknown> } },
): boolean {
  return (
    input.conditionHolds === true &&
    open.conditionHolds === true &&
    open.explanation.inputs.since !== undefined &&
    open.explanation.inputs.since === input.explanation.inputs.since
  );
}
