import { randomUUID } from 'node:crypto';
import type { FacilityPolicy, SlaWarning, Task } from '@vigil/contracts';
import { isFinishedTask, pageOf, slaWarningPosition, taskFinishedAt, taskPosition, withinTime } from '../paging.ts';
import type {
  Deadline,
  PageQuery,
  DeadlineStore,
  PolicyStore,
  SlaWarningFilter,
  SlaWarningStore,
  TaskFilter,
  TaskStore,
} from '../types.ts';

const copy = <T>(v: T): T => structuredClone(v);
const ACTIVE = new Set(['assigned', 'accepted', 'in_progress']);

/** Whether a task passes a filter (shared by the Redis store). */
export function taskMatches(t: Task, f: TaskFilter): boolean {
  if (f.facilityId !== undefined && t.facilityId !== f.facilityId) return false;
  if (f.facilityIds !== undefined && !f.facilityIds.includes(t.facilityId)) return false;
  if (f.state === 'active' ? !ACTIVE.has(t.state) : f.state !== undefined && t.state !== f.state) return false;
  if (f.assigneeId !== undefined && t.assigneeId !== f.assigneeId) return false;
  if (f.alertId !== undefined && t.alertId !== f.alertId) return false;
  return f.kind === undefined || t.kind === f.kind;
}

/** Whether a warning passes a filter (shared by the Redis store). */
export function slaWarningMatches(w: SlaWarning, f: SlaWarningFilter): boolean {
  const at = Date.parse(w.raisedAt);
  if (f.facilityId !== undefined && w.facilityId !== f.facilityId) return false;
  if (f.facilityIds !== undefined && !f.facilityIds.includes(w.facilityId)) return false;
  if (f.from !== undefined && at < f.from) return false;
  if (f.to !== undefined && at > f.to) return false;
  if (f.staffId !== undefined && w.staffId !== f.staffId) return false;
  return f.kind === undefined || w.kind === f.kind;
}

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
    for (const t of this.byId.values()) if (taskMatches(t, f)) out.push(copy(t));
    return out.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id));
  }
  async page(f: TaskFilter, query: PageQuery) {
    const hits = [...this.byId.values()].filter((t) => taskMatches(t, f) && withinTime(Date.parse(t.createdAt), query));
    const page = pageOf(hits, taskPosition, query);
    return { ...page, items: page.items.map(copy) };
  }
  async removeFinishedBefore(before: number, limit: number) {
    let removed = 0;
    for (const t of this.byId.values()) {
      if (removed >= limit) break;
      if (!isFinishedTask(t) || taskFinishedAt(t) >= before) continue;
      this.byId.delete(t.id);
      removed++;
    }
    return removed;
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
    for (const w of this.byId.values()) if (slaWarningMatches(w, f)) out.push(copy(w));
    return out.sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt) || a.id.localeCompare(b.id));
  }
  async page(f: SlaWarningFilter, query: PageQuery) {
    const hits = [...this.byId.values()].filter(
      (w) => slaWarningMatches(w, f) && withinTime(Date.parse(w.raisedAt), query),
    );
    const page = pageOf(hits, slaWarningPosition, query);
    return { ...page, items: page.items.map(copy) };
  }
  async removeBefore(before: number, limit: number) {
    let removed = 0;
    for (const w of this.byId.values()) {
      if (removed >= limit) break;
      if (Date.parse(w.raisedAt) >= before) continue;
      this.byId.delete(w.id);
      removed++;
    }
    return removed;
  }
}

export class MemoryPolicyStore implements PolicyStore {
  private readonly byFacility = new Map<string, FacilityPolicy>();
  private readonly versions = new Map<string, FacilityPolicy[]>();
  async get(facilityId: string) {
    const p = this.byFacility.get(facilityId);
    return p && copy(p);
  }
  async put(p: FacilityPolicy) {
    this.byFacility.set(p.facilityId, copy(p));
    const kept = this.versions.get(p.facilityId) ?? [];
    kept.push(copy(p));
    this.versions.set(p.facilityId, kept);
  }
  async history(facilityId: string) {
    return (this.versions.get(facilityId) ?? []).map(copy);
  }
}
