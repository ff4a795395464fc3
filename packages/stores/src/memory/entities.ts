import type { CarePlan, Consent, Facility, Resident } from '@vigil/contracts';
import {
  ConflictError,
  type DeviceRecord,
  type DeviceStore,
  type FacilityStore,
  type ResidentStore,
  type UserRecord,
  type UserStore,
} from '../types.ts';
import { deepFreeze } from '../freeze.ts';

// Records are copied in and out so callers can never mutate stored state by accident, as with Redis.
const copy = <T>(v: T): T => structuredClone(v);

/**
 * Devices and residents are read on every message (admission, rules), so they are stored as
 * deep-frozen snapshots: `snapshot` hands one out as it is (no copy per message, and a caller that
 * tries to change it throws instead of corrupting the store), `get` a copy to change. A change
 * replaces the snapshot.
 */
function frozen<T>(v: T): T {
  return deepFreeze(structuredClone(v));
}

export class MemoryFacilityStore implements FacilityStore {
  private readonly byId = new Map<string, Facility>();
  async put(f: Facility) {
    this.byId.set(f.id, copy(f));
  }
  async get(id: string) {
    const f = this.byId.get(id);
    return f && copy(f);
  }
  async list() {
    return [...this.byId.values()].map(copy);
  }
}

export class MemoryUserStore implements UserStore {
  private readonly byId = new Map<string, UserRecord>();
  private readonly idByUsername = new Map<string, string>();
  async put(u: UserRecord) {
    const owner = this.idByUsername.get(u.username.toLowerCase());
    if (owner !== undefined && owner !== u.id) throw new ConflictError(`username ${u.username} is taken`);
    const previous = this.byId.get(u.id);
    if (previous) this.idByUsername.delete(previous.username.toLowerCase());
    this.byId.set(u.id, copy(u));
    this.idByUsername.set(u.username.toLowerCase(), u.id);
  }
  async get(id: string) {
    const u = this.byId.get(id);
    return u && copy(u);
  }
  async getByUsername(username: string) {
    const id = this.idByUsername.get(username.toLowerCase());
    return id === undefined ? undefined : this.get(id);
  }
  async list(filter: { facilityId?: string } = {}) {
    const all = [...this.byId.values()];
    const { facilityId } = filter;
    return (facilityId ? all.filter((u) => u.facilityIds.includes(facilityId)) : all).map(copy);
  }
  async count() {
    return this.byId.size;
  }
}

export class MemoryResidentStore implements ResidentStore {
  private readonly byId = new Map<string, Resident>();
  async put(r: Resident) {
    this.byId.set(r.id, frozen(r));
  }
  async get(id: string) {
    const r = this.byId.get(id);
    return r && copy(r);
  }
  async snapshot(id: string): Promise<Readonly<Resident> | undefined> {
    return this.byId.get(id);
  }
  async list(filter: { facilityId?: string } = {}) {
    const all = [...this.byId.values()];
    return (filter.facilityId ? all.filter((r) => r.facilityId === filter.facilityId) : all).map(copy);
  }
  async setConsent(id: string, consent: Consent) {
    const r = this.byId.get(id);
    if (r) this.byId.set(id, frozen({ ...r, consent }));
  }

  async setCarePlan(id: string, carePlan: CarePlan) {
    const r = this.byId.get(id);
    if (!r) return undefined;
    const next = frozen({ ...r, carePlan, carePlanVersion: (r.carePlanVersion ?? 1) + 1 });
    this.byId.set(id, next);
    return copy(next);
  }
}

export class MemoryDeviceStore implements DeviceStore {
  private readonly byId = new Map<string, DeviceRecord>();
  async put(d: DeviceRecord) {
    this.byId.set(d.id, frozen(d));
  }
  async get(id: string) {
    const d = this.byId.get(id);
    return d && copy(d);
  }
  async snapshot(id: string): Promise<Readonly<DeviceRecord> | undefined> {
    return this.byId.get(id);
  }
  async list(filter: { facilityId?: string; residentId?: string } = {}) {
    return [...this.byId.values()]
      .filter((d) => filter.facilityId === undefined || d.facilityId === filter.facilityId)
      .filter((d) => filter.residentId === undefined || d.residentId === filter.residentId)
      .map(copy);
  }
  async touch(
    id: string,
    patch: Partial<Pick<DeviceRecord, 'state' | 'lastSeenAt' | 'battery' | 'recentIntervalsMs'>>,
  ) {
    const d = this.byId.get(id);
    if (!d) return;
    // Per message: no deep clone, no deep walk. The record's other values are frozen already; the
    // patch holds numbers, a state and at most one fresh array of intervals.
    if (patch.recentIntervalsMs) Object.freeze(patch.recentIntervalsMs);
    this.byId.set(id, Object.freeze({ ...d, ...patch }));
  }
  async setSecretHash(id: string, expected: string, secretHash: string) {
    const d = this.byId.get(id);
    if (d?.secretHash !== expected) return false;
    this.byId.set(id, frozen({ ...d, secretHash }));
    return true;
  }
}
