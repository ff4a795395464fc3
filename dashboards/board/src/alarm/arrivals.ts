import type { Alert } from '@vigil/contracts';
import { callKey } from './policy.ts';

type ArrivalAlert = Pick<Alert, 'id' | 'state' | 'raisedAt' | 'reraisedAt'>;

/**
 * The "↑ N new alarms" count: calls (new alerts and re-raises, contract §3.1) that arrived while the
 * top of the alert list was out of view. Back in view, everything is seen and the count is 0.
 */
export function countUnseen(
  alerts: readonly ArrivalAlert[],
  known: ReadonlySet<string>,
  unseen: number,
  topInView: boolean,
): { unseen: number; known: Set<string> } {
  const next = new Set<string>();
  let arrived = 0;
  for (const a of alerts) {
    if (a.state !== 'active') continue;
    const key = callKey(a);
    next.add(key);
    if (!known.has(key)) arrived++;
  }
  return { unseen: topInView ? 0 : unseen + arrived, known: next };
}
