import type { Alert, LoggedEvent, Resident, Task } from '@vigil/contracts';
import type { DeviceRecord, UserRecord } from '@vigil/stores';
import type { AuthUser } from './auth-guard.ts';
import type { GatewayContext } from './context.ts';
import { forbidden, notFound } from './errors.ts';

/**
 * The one scope check (contract §4.2): whether an object is within a user's reach. Reads (single
 * objects, lists, Socket.IO events and replays) and actions (acknowledge, resolve, task steps, duty,
 * decommission, consent, care plan) all ask `scopeOf`, so an action can never reach further than a
 * read: "Actions are checked against the same scope as reads: a caregiver with zones acts only on
 * alerts and tasks of those zones."
 *
 * The verdict is three-valued because the answer differs (contract §4.2): outside the user's
 * facilities → 404 (its existence never leaks); inside, but outside the user's view → 403. What a
 * role may *do* once the object is in scope (acknowledge, change a care plan) is the route's
 * `requireRole`, and what health content it shows is consent's (access.ts), both after this.
 */
export type ScopeVerdict = 'in_scope' | 'other_facility' | 'outside_view';

/** The objects routes and events act on, each with what its scope depends on. */
export type ScopeTarget =
  | { kind: 'alert'; alert: Pick<Alert, 'facilityId' | 'residentId' | 'zoneId'> }
  | { kind: 'task'; task: Pick<Task, 'facilityId' | 'role' | 'assigneeId' | 'zoneId'> }
  | { kind: 'resident'; resident: Pick<Resident, 'id' | 'facilityId'> }
  | { kind: 'device'; device: Pick<DeviceRecord, 'facilityId' | 'residentId'> }
  | { kind: 'user'; target: Pick<UserRecord, 'id' | 'facilityIds'> }
  | { kind: 'facility'; facilityId: string };

export function scopeOf(user: AuthUser, t: ScopeTarget): ScopeVerdict {
  switch (t.kind) {
    case 'alert':
      if (!inFacility(user, t.alert.facilityId)) return 'other_facility';
      return alertInView(user, t.alert) ? 'in_scope' : 'outside_view';
    case 'task':
      if (!inFacility(user, t.task.facilityId)) return 'other_facility';
      return taskInView(user, t.task) ? 'in_scope' : 'outside_view';
    case 'resident':
      if (!inFacility(user, t.resident.facilityId)) return 'other_facility';
      return residentInView(user, t.resident) ? 'in_scope' : 'outside_view';
    case 'device':
      if (!inFacility(user, t.device.facilityId)) return 'other_facility';
      return deviceInView(user, t.device) ? 'in_scope' : 'outside_view';
    case 'user':
      // One's own account is always in reach (duty); others only through a shared facility.
      if (t.target.id === user.id) return 'in_scope';
      return user.role === 'admin' || t.target.facilityIds.some((f) => user.facilityIds.includes(f))
        ? 'in_scope'
        : 'other_facility';
    case 'facility':
      return inFacility(user, t.facilityId) ? 'in_scope' : 'other_facility';
  }
}

/** Admins belong to every facility (contract §4.2: admin sees all facilities). */
export function inFacility(user: AuthUser, facilityId: string): boolean {
  return user.role === 'admin' || user.facilityIds.includes(facilityId);
}

/** An object of another facility is 404, never 403: its existence must not leak (contract §4.2). */
export function assertFacility(user: AuthUser, facilityId: string, what: string): void {
  assertInScope(user, { kind: 'facility', facilityId }, what);
}

/** Facilities a list query may cover: the one asked for (if visible) or all of the user's. */
export function facilityScope(user: AuthUser, facilityId: string | undefined): string[] | undefined {
  if (facilityId !== undefined) {
    assertFacility(user, facilityId, `facility ${facilityId}`);
    return [facilityId];
  }
  return user.role === 'admin' ? undefined : user.facilityIds;
}

/** True when the object is in scope: the filter lists and events use. */
export const inScope = (user: AuthUser, t: ScopeTarget): boolean => scopeOf(user, t) === 'in_scope';

/** Throws 404 (another facility) or 403 (outside the view) unless the object is in scope. */
export function assertInScope(user: AuthUser, t: ScopeTarget, what: string): void {
  const verdict = scopeOf(user, t);
  if (verdict === 'other_facility') throw notFound(what);
  if (verdict === 'outside_view') throw forbidden(`${what} is outside your view`);
}

/**
 * Whether an alert is in the user's view inside a facility the user belongs to (contract §4.2):
 * a resident sees only alerts about themself; a caregiver with zones sees alerts of those zones and
 * alerts without a zone (facility-wide ones); maintenance staff see only facility alerts (no
 * resident: water, power, smoke, room sensors), never an alert about a person.
 */
export function alertInView(user: AuthUser, alert: Pick<Alert, 'residentId' | 'zoneId'>): boolean {
  if (user.role === 'resident') return alert.residentId !== undefined && alert.residentId === user.residentId;
  if (user.role === 'maintenance') return alert.residentId === undefined;
  if (user.role === 'caregiver' && user.zoneIds?.length) {
    return alert.zoneId === undefined || user.zoneIds.includes(alert.zoneId);
  }
  return true;
}

/** Which role takes each kind of task (contract §3.2); a user of that role sees the kind's tasks. */
const TASK_ROLE_OF_USER: Partial<Record<AuthUser['role'], Task['role']>> = {
  caregiver: 'caregiver',
  medical: 'medical',
  maintenance: 'maintenance',
};

/**
 * Whether a task is in the user's view inside a facility the user belongs to (contract §4.2): admins
 * and managers see every task; caregivers, medical and maintenance staff their own tasks and those of
 * their role (a caregiver with zones: of those zones and without a zone, as for alerts); residents none.
 * A task dispatched to a zoned caregiver outside their zones (a neighbouring zone's cover) is theirs.
 */
export function taskInView(user: AuthUser, task: Pick<Task, 'role' | 'assigneeId' | 'zoneId'>): boolean {
  if (user.role === 'admin' || user.role === 'manager') return true;
  if (task.assigneeId !== undefined && task.assigneeId === user.id) return true;
  if (TASK_ROLE_OF_USER[user.role] !== task.role) return false;
  return !(user.role === 'caregiver' && user.zoneIds?.length && task.zoneId && !user.zoneIds.includes(task.zoneId));
}

/**
 * A resident record: a resident sees only their own; maintenance staff none (they never see people's
 * data); staff every resident of their facilities (a zoned caregiver still needs names and rooms for
 * facility-wide work; the health content of residents outside the zones is consent's and zones'
 * business: access.ts `canSeeVitals`).
 */
export function residentInView(user: AuthUser, resident: Pick<Resident, 'id'>): boolean {
  if (user.role === 'resident') return user.residentId === resident.id;
  return user.role !== 'maintenance';
}

/**
 * A device: residents their own wearable's state (battery, worn) as part of "own data"; maintenance
 * staff the room sensors only (a wearable's state is about a person); staff every device.
 */
export function deviceInView(user: AuthUser, device: Pick<DeviceRecord, 'residentId'>): boolean {
  if (user.role === 'resident') return device.residentId !== undefined && device.residentId === user.residentId;
  if (user.role === 'maintenance') return device.residentId === undefined;
  return true;
}

/** Which logged events a socket of this user receives (contract §2 "only what its user may see"). */
export function canSeeEvent(user: AuthUser, e: LoggedEvent): boolean {
  switch (e.event) {
    case 'alert':
      return inScope(user, { kind: 'alert', alert: { ...e.envelope.data, facilityId: e.envelope.facilityId } });
    case 'device':
      return inScope(user, { kind: 'device', device: { ...e.envelope.data, facilityId: e.envelope.facilityId } });
    case 'task':
      return inScope(user, { kind: 'task', task: { ...e.envelope.data, facilityId: e.envelope.facilityId } });
    case 'sla':
      // SLA warnings and reports are a manager's view (contract §4.2).
      return inFacility(user, e.envelope.facilityId) && (user.role === 'admin' || user.role === 'manager');
    case 'report':
      // Pushed to the medical team of the facility (contract §2, §4.4); consent is redact.ts's step.
      return inFacility(user, e.envelope.facilityId) && user.role === 'medical';
  }
}

/** The loaders every route with an `:id` starts with: the object, in scope, or 404/403. */
export async function alertInScope(ctx: GatewayContext, user: AuthUser, id: string): Promise<Alert> {
  const alert = await ctx.stores.alerts.get(id);
  if (!alert) throw notFound(`alert ${id}`);
  assertInScope(user, { kind: 'alert', alert }, `alert ${id}`);
  return alert;
}

export async function taskInScope(ctx: GatewayContext, user: AuthUser, id: string): Promise<Task> {
  const task = await ctx.stores.tasks.get(id);
  if (!task) throw notFound(`task ${id}`);
  assertInScope(user, { kind: 'task', task }, `task ${id}`);
  return task;
}

export async function residentInScope(ctx: GatewayContext, user: AuthUser, id: string): Promise<Resident> {
  const resident = await ctx.stores.residents.get(id);
  if (!resident) throw notFound(`resident ${id}`);
  assertInScope(user, { kind: 'resident', resident }, `resident ${id}`);
  return resident;
}

export async function deviceInScope(ctx: GatewayContext, user: AuthUser, id: string): Promise<DeviceRecord> {
  const device = await ctx.stores.devices.get(id);
  if (!device) throw notFound(`device ${id}`);
  assertInScope(user, { kind: 'device', device }, `device ${id}`);
  return device;
}

export async function userInScope(ctx: GatewayContext, user: AuthUser, id: string): Promise<UserRecord> {
  const target = await ctx.stores.users.get(id);
  if (!target) throw notFound(`user ${id}`);
  assertInScope(user, { kind: 'user', target }, `user ${id}`);
  return target;
}
