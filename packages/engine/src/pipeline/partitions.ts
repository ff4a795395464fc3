/**
 * Subjects (a resident, or a facility device bound to no resident) hash into a fixed number of
 * partitions; one engine process owns each partition at a time and alone judges its subjects
 * (architecture.md "Ownership"). The count is fixed for a deployment: changing it moves subjects
 * between partitions, so it is set once (`ENGINE_PARTITIONS`) and every process must agree on it.
 */
export const DEFAULT_PARTITIONS = 64;

/** The subject a device's data is judged for: its resident's, else the device's own. */
export function subjectKey(device: { id: string; residentId?: string | undefined }): string {
  return device.residentId ? `resident:${device.residentId}` : `device:${device.id}`;
}

/** FNV-1a (32 bit): stable across processes, versions and platforms, and cheap per message. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
