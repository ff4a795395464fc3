import {
  type Alert,
  type ALERT_EVENT_TYPES,
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
import { type AlertStore, alertSubject, type EventLog, type LockService, type ResidentStore } from '@vigil/stores';
import { illegalState, notFound } from '../errors.ts';
import { type LocationConsent, locationConsentFrom, loggedAlert, retainedLocation } from './location-retention.ts';
import { isReraise, isSameCall, isSameEpisode, reraised } from './reraise.ts';

type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

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
  /** For conditions judged over time: the condition holds (absent for one-off events). */
  conditionHolds?: boolean;
}

export interface RaiseOptions {
  /**
   * The same episode reached a higher tier: raise the priority without counting a new occurrence
   * (occurrences count episodes, not samples).
   */
  escalation?: boolean;
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
  /** `stores.locks`: one open alert per (subject, kind) across every engine process. */
  locks: LockService;
  /**
   * Where the resident's location consent is read (location-retention.ts). Without it no location
   * outlives its open `high` alert: nothing proves the consent.
   */
  residents?: Pick<ResidentStore, 'get'>;
}

/**
 * The alert lifecycle (contract §3.1): active → acknowledged → resolved (or active → resolved).
 * One open alert per (subject, kind): a repeat updates `lastSeenAt` and `occurrences`, and can only
 * raise the priority, never lower it. A new SOS press, a new fall or a rise in priority re-raises
 * it (`alert.reraised`, see reraise.ts). Every state change is appended to the event log, which fans
 * out; plain repeats are coalesced (see `REPEAT_UPDATE_INTERVAL_MS`).
 */
export class AlertService {
  private readonly lock: LockService;
  private readonly locationConsent: LocationConsent;
  constructor(private readonly deps: AlertServiceDeps) {
    this.lock = deps.locks;
    this.locationConsent = locationConsentFrom(deps.residents);
  }

  raise(input: RaiseInput, options: RaiseOptions = {}): Promise<Alert> {
    const subject = alertSubject(input);
    return this.lock.run(this.key(input.facilityId, subject, input.kind), async () => {
      const { alerts, clock } = this.deps;
      const seenAt = toIso(Math.min(input.observedAt, clock.now()));
      const open = await alerts.findOpen(input.facilityId, subject, input.kind);
      if (open && (isSameCall(open, input) || (!options.escalation && isSameEpisode(open, input)))) return open;
      if (open) {
        const raisedPriority = PRIORITY_RANK[input.priority] < PRIORITY_RANK[open.priority];
        const { conditionClearedAt: _cleared, ...rest } = open;
        const updated: Alert = {
          ...(input.conditionHolds ? rest : open),
          occurrences: open.occurrences + (options.escalation ? 0 : 1),
          // A late sample (store-and-forward) never moves lastSeenAt backwards.
          lastSeenAt: toIso(Math.max(Date.parse(seenAt), Date.parse(open.lastSeenAt))),
          explanation: input.explanation,
          ...(raisedPriority ? { priority: input.priority, title: input.title } : {}),
          ...(input.location ? { location: input.location } : {}),
          ...(input.conditionHolds !== undefined && { conditionHolds: input.conditionHolds }),
        };
        // contract §3.1: a new call for help or a worsening is never folded into a counter.
        if (isReraise(open, input, options.escalation === true)) {
          const again = await this.store(reraised(updated, open, clock.now()));
          await this.emit('alert.reraised', again);
          return again;
        }
        const stored = await this.store(updated);
        const returned = updated.conditionHolds !== open.conditionHolds;
        if (returned || options.escalation || worthTelling(open, updated)) await this.emit('alert.updated', stored);
        return stored;
      }
      const alert = await this.store({
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
        ...(input.conditionHolds !== undefined && { conditionHolds: input.conditionHolds }),
      });
      await this.emit('alert.raised', alert);
      return alert;
    });
  }

  /** An alert as stored, open or resolved. */
  find(id: string): Promise<Alert | undefined> {
    return this.deps.alerts.get(id);
  }

  /**
   * The condition of an open alert still holds at `at` (device time): moves `lastSeenAt` on, told to
   * boards at most once per `REPEAT_UPDATE_INTERVAL_MS`. Returns undefined when no alert is open
   * (a person resolved it while the condition went on).
   */
  touch(facilityId: string, subject: string, kind: AlertKind, at: number): Promise<Alert | undefined> {
    return this.lock.run(this.key(facilityId, subject, kind), async () => {
      const open = await this.deps.alerts.findOpen(facilityId, subject, kind);
      if (!open) return undefined;
      const seen = Math.min(at, this.deps.clock.now());
      if (seen <= Date.parse(open.lastSeenAt)) return open;
      const updated = await this.store({ ...open, lastSeenAt: toIso(seen) });
      if (worthTelling({ ...open, occurrences: 2 }, updated)) await this.emit('alert.updated', updated);
      return updated;
    });
  }

  /**
   * The condition of an open alert no longer holds (its clear criteria were met at `at`). A `high`
   * alert latches: it stays open, marked as cleared, until a person resolves it (someone must see a
   * resident who was critical). A lower one resolves itself with outcome `self_cleared`.
   */
  async conditionCleared(facilityId: string, subject: string, kind: AlertKind, at: number): Promise<Alert | undefined> {
    const open = await this.deps.alerts.findOpen(facilityId, subject, kind);
    if (!open) return undefined;
    const clearedAt = toIso(Math.min(at, this.deps.clock.now()));
    return this.transition(
      open.id,
      (a) => {
        if (a.state === 'resolved') return undefined;
        const marked: Alert = { ...a, conditionHolds: false, conditionClearedAt: clearedAt };
        return a.priority === 'high' ? marked : this.resolved(marked, 'self_cleared', 'system');
      },
      open.priority === 'high' ? 'alert.updated' : 'alert.resolved',
    );
  }

  /** One escalation level up (SLA: nobody acknowledged in time); `alert.escalated` tells the boards. */
  async escalate(id: string): Promise<Alert | undefined> {
    return this.transition(
      id,
      (a) => (a.state === 'resolved' ? undefined : { ...a, escalationLevel: a.escalationLevel + 1 }),
      'alert.escalated',
    );
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
    type: 'alert.acknowledged' | 'alert.resolved' | 'alert.updated' | 'alert.escalated',
  ): Promise<R> {
    const current = await this.deps.alerts.get(id);
    if (!current) throw notFound(`alert ${id}`);
    return this.lock.run(this.key(current.facilityId, alertSubject(current), current.kind), async () => {
      const fresh = await this.deps.alerts.get(id);
      if (!fresh) throw notFound(`alert ${id}`);
      const next = change(fresh);
      if (!next) return next;
      const stored = await this.store(next);
      await this.emit(type, stored);
      return stored as R;
    });
  }

  /**
   * Drops the stored locations the resident's consent no longer allows (it was withdrawn): those of
   * resolved alerts and of open ones no responder needs; an open `high` alert keeps its location for
   * its responders until it resolves (location-retention.ts). No event: the event log holds no
   * resident location. Returns how many alerts lost their location.
   */
  async forgetLocations(residentId: string): Promise<number> {
    let forgotten = 0;
    for (const listed of await this.deps.alerts.list({ residentId })) {
      if (listed.location === undefined) continue;
      const key = this.key(listed.facilityId, alertSubject(listed), listed.kind);
      const dropped = await this.lock.run(key, async () => {
        const fresh = await this.deps.alerts.get(listed.id);
        if (fresh?.location === undefined) return false;
        const kept = await retainedLocation(fresh, this.locationConsent);
        if (kept === fresh) return false;
        await this.deps.alerts.put(kept);
        return true;
      });
      if (dropped) forgotten++;
    }
    return forgotten;
  }

  /** Every write of an alert goes through here: the location only as long as it may be kept. */
  private async store(alert: Alert): Promise<Alert> {
    const kept = await retainedLocation(alert, this.locationConsent);
    await this.deps.alerts.put(kept);
    return kept;
  }

  /** Taken inside `subject:` (monitor) and `stale:` locks, never the other way round. */
  private key(facilityId: string, subject: string, kind: AlertKind) {
    return `alert:${facilityId}|${subject}|${kind}`;
  }

  private async emit(type: AlertEventType, alert: Alert) {
    // Never a resident's location in the log (location-retention.ts `loggedAlert`).
    await this.deps.events.append({ event: 'alert', type, facilityId: alert.facilityId, data: loggedAlert(alert) });
  }
}
