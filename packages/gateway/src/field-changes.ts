/** One leaf that differs between two versions of a settings object: `ackLimitMs.high` 60000 → 90000. */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * The leaves that differ between `before` and `after`, in dotted paths (array items by index, as the
 * settings' validation errors name them: `escalation.1.afterMs.high`). A field present on one side only
 * is a change from or to `undefined`. Used for audit entries (issue 14: a policy change records before
 * and after of what changed; a care-plan change names its changed fields).
 */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => fieldChanges(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return Object.is(before, after) ? [] : [{ path, before, after }];
}

/** `ackLimitMs.high 60000→90000; escalation.2 {…}→(none)`: short enough for an audit `detail`. */
export function describeChanges(changes: readonly FieldChange[]): string {
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return changes.map((c) => `${c.path} ${show(c.before)}→${show(c.after)}`).join('; ');
}
