import type { Alert, AlertKind } from '@vigil/contracts';
import { alertPosition, pageOf, withinTime } from '../paging.ts';
import type { AlertFilter, AlertStore, PageQuery } from '../types.ts';

const isOpen = (a: Alert) => a.state !== 'resolved';
/** Subject of an alert: the resident, else the device, else the room or zone (contract §3.1). */
export const alertSubject = (a: {
  facilityId: string;
  residentId?: string | undefined;
  deviceId?: string | undefined;
  roomId?: string | undefined;
  zoneId?: string | undefined;
}): string => a.residentId ?? a.deviceId ?? a.roomId ?? a.zoneId ?? a.facilityId;

/** Whether an alert passes a filter (shared by the Redis store, which reads bodies through an index). */
export function alertMatches(a: Alert, filter: AlertFilter): boolean {
  if (filter.facilityId !== undefined && a.facilityId !== filter.facilityId) return false;
  if (filter.facilityIds !== undefined && !filter.facilityIds.includes(a.facilityId)) return false;
  if (filter.residentId !== undefined && a.residentId !== filter.residentId) return false;
  return filter.state === 'open' ? isOpen(a) : filter.state === undefined || a.state === filter.state;
}

export class MemoryAlertStore implements AlertStore {
  private readonly byId = new Map<string, Alert>();
  /** `${facilityId}|${subject}|${kind}` → id of the open alert. */
  private readonly openIndex = new Map<string, string>();

  async put(alert: Alert) {
    const key = `${alert.facilityId}|${alertSubject(alert)}|${alert.kind}`;
    if (isOpen(alert)) this.openIndex.set(key, alert.id);
    else if (this.openIndex.get(key) === alert.id) this.openIndex.delete(key);
    this.byId.set(alert.id, structuredClone(alert));
  }
  async get(id: string) {
    const a = this.byId.get(id);
    return a && structuredClone(a);
  }
  async findOpen(facilityId: string, subject: string, kind: AlertKind) {
    const id = this.openIndex.get(`${facilityId}|${subject}|${kind}`);
    return id === undefined ? undefined : this.get(id);
  }
  async list(filter: AlertFilter = {}) {
    const out: Alert[] = [];
    for (const a of this.byId.values()) if (alertMatches(a, filter)) out.push(structuredClone(a));
    return out;
  }
  async page(filter: AlertFilter, query: PageQuery) {
    const hits = [...this.byId.values()].filter(
      (a) => alertMatches(a, filter) && withinTime(Date.parse(a.raisedAt), query),
    );
    const page = pageOf(hits, alertPosition, query);
    return { ...page, items: page.items.map((a) => structuredClone(a)) };
  }
  async removeResolvedBefore(before: number, limit: number) {
    let removed = 0;
    for (const a of this.byId.values()) {
      if (removed >= limit) break;
      if (a.resolvedAt === undefined || Date.parse(a.resolvedAt) >= before || isOpen(a)) continue;
      this.byId.delete(a.id);
      removed++;
    }
    return removed;
  }
}
