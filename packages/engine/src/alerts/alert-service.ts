import {
  type Alert,
  type AlertKind,
  type AlertOutcome,
  type Explanation,
  type Location,
  PRIORITY_RANK,
  type Priority,
  type ResolveOutcome,
  toIso,
} from '@vigil/contracts';
import { type Clock, newId } from '@vigil/runtime';
import { type AlertStore, alertSubject, type EventLog } from '@vigil/stores';
import { illegalState, notFound } from '../errors.ts';
import { KeyedLock } from './keyed-lock.ts';

export interface RaiseInput {
  facilityId: string;
  residentId?: string;
  deviceId?: string;
  zoneId?: string;
  roomId?: string;
  kind: AlertKind;
  priority: Priority;
  title: string;
  explanation: Explanation;
  /** When the condition was observed (device timestamp), epoch ms. */
  observedAt: number;
  location?: Location;
}

/**
 * A condition that holds repeats with every sample (1/s from a wearable). Each repeat is stored, so
 * `occurrences` and `lastSeenAt` stay exact, but boards and the event log hear of it only for the first
 * repeat and then at most once per interval of observation time: a flood of identical updates would
 * cost every socket and the log a message per sample and tell a caregiver nothing new. A rise in
 * priority is always told at once.
 */
export const REPEAT_UPDATE_INTERVAL_MS = 10_000;

/** Stateless, so every engine worker decides the same: the first repeat, or a new interval bucket. */
function worthTelling(before: Alert, after: Alert): boolean {
  if (before.occurrences === 1) return true;
  const bucket = (iso: string) => Math.floor(Date.parse(iso) / REPEAT_UPDATE_INTERVAL_MS);
  return bucket(after.lastSeenAt) !== bucket(before.lastSeenAt);
}

export interface AlertServiceDeps {
  alerts: AlertStore;
  events: EventLog;
  clock: Clock;
}

/**
 * The alert lifecycle (contract §3.1): active → acknowledged → resolved (or active → resolved).
 * One open alert per (subject, kind): a repeat updates `lastSeenAt` and `occurrences`, and can only
 * raise the priority, never lower it. Every state change is appended to the event log, which fans
 * out; repeats are coalesced (see `REPEAT_UPDATE_INTERVAL_MS`).
 */
export class AlertService {
  private readonly lock = new KeyedLock();
  constructor(private readonly deps: AlertServiceDeps) {}

  raise(input: RaiseInput): Promise<Alert> {
    const subject = alertSubject(input);
    return this.lock.run(`${input.facilityId}|${subject}|${input.kind}`, async () => {
      const { alerts, clock } = this.deps;
      const seenAt = toIso(Math.min(input.observedAt, clock.now()));
      const open = await alerts.findOpen(input.facilityId, subject, input.kind);
      if (open) {
        const raisedPriority = PRIORITY_RANK[input.priority] < PRIORITY_RANK[open.priority];
        const updated: Alert = {
          ...open,
          occurrences: open.occurrences + 1,
          // A late sample (store-and-forward) never moves lastSeenAt backwards.
          lastSeenAt: toIso(Math.max(Date.parse(seenAt), Date.parse(open.lastSeenAt))),
          explanation: input.explanation,
          ...(raisedPriority ? { priority: input.priority, title: input.title } : {}),
          ...(input.location ? { location: input.location } : {}),
        };
        await alerts.put(updated);
        if (raisedPriority || worthTelling(open, updated)) await this.emit('alert.updated', updated);
        return updated;
      }
      const alert: Alert = {
        id: newId('al'),
        facilityId: input.facilityId,
        ...(input.residentId && { residentId: input.residentId }),
        ...(input.deviceId && { deviceId: input.deviceId }),
        ...(input.zoneId && { zoneId: input.zoneId }),
        ...(input.roomId && { roomId: input.roomId }),
        kind: input.kind,
        priority: input.priority,
        state: 'active',
        title: input.title,
        explanation: input.explanation,
        raisedAt: toIso(clock.now()),
        lastSeenAt: seenAt,
        occurrences: 1,
        escalationLevel: 0,
        ...(input.location && { location: input.location }),
      };
      await alerts.put(alert);
      await this.emit('alert.raised', alert);
      return alert;
    });
  }

  async acknowledge(id: string, userId: string): Promise<Alert> {
    return this.transition(
      id,
      (a) => {
        if (a.state !== 'active')
          throw illegalState(`alert ${id} is ${a.state}; only an active alert can be acknowledged`);
        return { ...a, state: 'acknowledged', acknowledgedAt: toIso(this.deps.clock.now()), acknowledgedBy: userId };
      },
      'alert.acknowledged',
    );
  }

  async resolve(id: string, userId: string, outcome: ResolveOutcome, note?: string): Promise<Alert> {
    return this.transition(id, (a) => this.resolved(a, outcome, userId, note), 'alert.resolved');
  }

  /**
   * Resolution by the platform: `self_cleared` when a lower-priority condition no longer holds, or
   * `cancelled` when the resident cancels an SOS nobody has acknowledged yet (contract §1.2).
   * Returns undefined when there is no open alert or it may not be closed this way.
   */
  async closeBySystem(
    facilityId: string,
    subject: string,
    kind: AlertKind,
    outcome: Extract<AlertOutcome, 'self_cleared' | 'cancelled'>,
    onlyIfActive: boolean,
  ): Promise<Alert | undefined> {
    const open = await this.deps.alerts.findOpen(facilityId, subject, kind);
    if (!open || (onlyIfActive && open.state !== 'active')) return undefined;
    return this.transition(
      open.id,
      (a) => {
        if (a.state === 'resolved' || (onlyIfActive && a.state !== 'active')) return undefined;
        return this.resolved(a, outcome, 'system');
      },
      'alert.resolved',
    );
  }

  private resolved(a: Alert, outcome: AlertOutcome, by: string, note?: string): Alert {
    if (a.state === 'resolved') throw illegalState(`alert ${a.id} is already resolved`);
    return {
      ...a,
      state: 'resolved',
      resolvedAt: toIso(this.deps.clock.now()),
      resolvedBy: by,
      outcome,
      ...(note !== undefined && { note }),
    };
  }

  private async transition<R extends Alert | undefined>(
    id: string,
    change: (a: Alert) => R,
    type: 'alert.acknowledged' | 'alert.resolved',
  ): Promise<R> {
    const current = await this.deps.alerts.get(id);
    if (!current) throw notFound(`alert ${id}`);
    return this.lock.run(`${current.facilityId}|${alertSubject(current)}|${current.kind}`, async () => {
      const fresh = await this.deps.alerts.get(id);
      if (!fresh) throw notFound(`alert ${id}`);
      const next = change(fresh);
      if (next) {
        await this.deps.alerts.put(next);
        await this.emit(type, next);
      }
      return next;
    });
  }

  private async emit(type: 'alert.raised' | 'alert.updated' | 'alert.acknowledged' | 'alert.resolved', alert: Alert) {
    await this.deps.events.append({ event: 'alert', type, facilityId: alert.facilityId, data: alert });
  }
}
