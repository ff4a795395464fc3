/**
 * Freezes a value and everything it holds, so a record handed out by a store's `snapshot` (shared,
 * never copied per call) throws when a caller tries to change it instead of corrupting the store.
 */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}
