import { randomUUID } from 'node:crypto';
import type { FacilityPolicy, SlaWarning, Task } from '@vigil/contracts';
import type {
  Deadline,
  DeadlineStore,
  PolicyStore,
  SlaWarningFilter,
  SlaWarningStore,
  TaskFilter,
  TaskStore,
} from '../types.ts';

const copy = <T>(v: T): T => structuredClone(v);
const ACTIVE = new Set(['assigned', 'accepted', 'in_progress']);

export class MemoryTaskStore implements TaskStore {
  private readonly byId = new Map<string, Task>();
  async put(task: Task) {
    this.byId.set(task.id, copy(task));
  }
  async get(id: string) {
    const t = this.byId.get(id);
    return t && copy(t);
  }
  async list(f: TaskFilter = {}) {
    const out: Task[] = [];
    for (const t of this.byId.values()) {
      if (f.facilityId !== undefined && t.facilityId !== f.facilityId) continue;
      if (f.facilityIds !== undefined && !f.facilityIds.includes(t.facilityId)) continue;
      if (f.state === 'active' ? !ACTIVE.has(t.state) : f.state !== undefined && t.state !== f.state) continue;
      if (f.assigneeId !== undefined && t.assigneeId !== f.assigneeId) continue;
      if (f.alertId !== undefined && t.alertId !== f.alertId) continue;
      if (f.kind !== undefined && t.kind !== f.kind) continue;
      out.push(copy(t));
    }
    return out.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id));
  }
}

export class MemoryDeadlineStore implements DeadlineStore {
  private readonly byId = new Map<string, Deadline>();
  async schedule(d: Deadline) {
    const { claim: _claim, ...fresh } = d;
    this.byId.set(d.id, { ...fresh, attempts: 0 });
  }
  async cancel(id: string) {
    this.byId.delete(id);
  }
  async get(id: string) {
    const d = this.byId.get(id);
    return d && { ...d };
  }
  async claimDue(now: number, limit: number, leaseMs: number) {
    // Synchronous from read to write: no other caller can interleave (the Redis store uses a script).
    const due = [...this.byId.values()]
      .filter((d) => d.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt || a.id.localeCompare(b.id));
    const claimed = due
      .slice(0, Math.max(0, limit))
      .map((d) => ({ ...d, attempts: (d.attempts ?? 0) + 1, claim: randomUUID() }));
    for (const d of claimed) this.byId.set(d.id, { ...d, dueAt: now + leaseMs });
    return claimed.map((d) => ({ ...d }));
  }
  async done(id: string, claim: string) {
    // Only the holder of the current claim removes it: a re-scheduled or re-claimed deadline stays.
    const d = this.byId.get(id);
    if (d?.claim !== undefined && d.claim === claim) this.byId.delete(id);
  }
  async list(f: { facilityId?: string } = {}) {
    return [...this.byId.values()]
      .filter((d) => f.facilityId === undefined || d.facilityId === f.facilityId)
      .map((d) => ({ ...d }));
  }
}

export class MemorySlaWarningStore implements SlaWarningStore {
  private readonly byId = new Map<string, SlaWarning>();
  async put(w: SlaWarning) {
    this.byId.set(w.id, copy(w));
  }
  async get(id: string) {
    const w = this.byId.get(id);
    return w && copy(w);
  }
  async list(f: SlaWarningFilter = {}) {
    const out: SlaWarning[] = [];
    for (const w of this.byId.values()) {
      const at = Date.parse(w.raisedAt);
      if (f.facilityId !== undefined && w.facilityId !== f.facilityId) continue;
      if (f.facilityIds !== undefined && !f.facilityIds.includes(w.facilityId)) continue;
      if (f.from !== undefined && at < f.from) continue;
      if (f.to !== undefined && at > f.to) continue;
      if (f.staffId !== undefined && w.staffId !== f.staffId) continue;
      if (f.kind !== undefined && w.kind !== f.kind) continue;
      out.push(copy(w));
    }
    return out.sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt) || a.id.localeCompare(b.id));
  }
}

export class MemoryPolicyStore implements PolicyStore {
  private readonly byFacility = new Map<string, FacilityPolicy>();
  async get(facilityId: string) {
    const p = this.byFacility.get(facilityId);
    return p && copy(p);
  }
  async put(p: FacilityPolicy) {
    this.byFacility.set(p.facilityId, copy(p));
  }
}
