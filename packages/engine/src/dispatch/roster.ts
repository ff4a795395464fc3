import type { Facility, Role, Task } from '@vigil/contracts';
import type { Stores, UserRecord } from '@vigil/stores';

export interface Candidate {
  user: UserRecord;
  /** Tasks assigned, accepted or in progress. */
  load: number;
  /** 0 own zone (or no zones: covers all), 1 a neighbouring zone, 2 any other zone. */
  distance: number;
}

/**
 * Who can take a task (issue 4 "roster"): on-duty staff of the task's role in its facility, nearest
 * zone first (own zone, then the zone's neighbours, then any), least loaded, then by id so the choice
 * is deterministic. Anyone who declined it or let it time out is never offered it again.
 */
export async function candidatesFor(
  stores: Pick<Stores, 'users' | 'tasks' | 'facilities'>,
  task: Pick<Task, 'facilityId' | 'role' | 'zoneId' | 'passedBy'>,
): Promise<Candidate[]> {
  const [users, active, facility] = await Promise.all([
    stores.users.list({ facilityId: task.facilityId }),
    stores.tasks.list({ facilityId: task.facilityId, state: 'active' }),
    stores.facilities.get(task.facilityId),
  ]);
  const load = new Map<string, number>();
  for (const t of active) if (t.assigneeId) load.set(t.assigneeId, (load.get(t.assigneeId) ?? 0) + 1);
  const passed = new Set(task.passedBy ?? []);
  return users
    .filter((u) => u.onDuty && u.role === (task.role as Role) && !passed.has(u.id))
    .map((user) => ({ user, load: load.get(user.id) ?? 0, distance: zoneDistance(user, task.zoneId, facility) }))
    .sort((a, b) => a.distance - b.distance || a.load - b.load || a.user.id.localeCompare(b.user.id));
}

function zoneDistance(user: UserRecord, zoneId: string | undefined, facility: Facility | undefined): number {
  if (!zoneId || !user.zoneIds?.length || user.zoneIds.includes(zoneId)) return 0;
  const zone = facility?.zones.find((z) => z.id === zoneId);
  return zone?.neighbours?.some((n) => user.zoneIds?.includes(n)) ? 1 : 2;
}

/** Managers of the facility, on duty first: where a task goes when nobody of its role is free. */
export async function managersOf(stores: Pick<Stores, 'users'>, facilityId: string): Promise<UserRecord[]> {
  const users = await stores.users.list({ facilityId });
  return users
    .filter((u) => u.role === 'manager')
    .sort((a, b) => Number(b.onDuty) - Number(a.onDuty) || a.id.localeCompare(b.id));
}

/** Each person's open load, for the roster view. */
export async function loadOf(stores: Pick<Stores, 'tasks'>, facilityId: string): Promise<Map<string, number>> {
  const load = new Map<string, number>();
  for (const t of await stores.tasks.list({ facilityId, state: 'active' }))
    if (t.assigneeId) load.set(t.assigneeId, (load.get(t.assigneeId) ?? 0) + 1);
  return load;
}
