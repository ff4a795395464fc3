import type { LoggedEvent } from '@vigil/contracts';
import type { Logger } from '@vigil/runtime';
import { compareEventIds, type Stores } from '@vigil/stores';
import { canSeeEvent } from '../scope.ts';
import type { AuditRecorder } from '../audit.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { endEmergencyVitals } from './emergency-vitals.ts';
import { redactEvent } from './redact.ts';
import { ADMIN_ROOM, emitLogged, facilityRoom, type VigilServer, type VigilSocket } from './types.ts';

/**
 * Live tail of the event log to this gateway's sockets (contract §2). One subscription per gateway.
 *
 * Delivery is per socket rather than `io.to(room).emit`: each socket needs its own visibility filter
 * (role, zones, own resident), its own replay buffer and its own cursor, so an event is sent exactly
 * once even when it is both replayed and tailed. It is also what scale-out needs: every gateway tails
 * the log itself, so a room broadcast through a shared adapter would deliver each event once per
 * gateway. Rooms are used only to find the candidate sockets of a facility quickly.
 */
export class Fanout {
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  /** The newest logged id handed to every socket; un-logged envelopes (vitals, sync) derive ids from it. */
  lastDeliveredId: string | null = null;

  constructor(
    private readonly io: VigilServer,
    private readonly stores: Stores,
    private readonly stats: GatewayMetrics,
    private readonly log: Logger,
    private readonly audit: Pick<AuditRecorder, 'record'>,
  ) {}

  start(): void {
    this.unsubscribe ??= this.stores.events.subscribe((e) => {
      // Serialised: redaction awaits a store read, and events must leave in log order.
      this.chain = this.chain.then(() => this.deliver(e)).catch((err) => this.log.error({ err }, 'fan-out failed'));
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Resolves once every event received so far has been delivered (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private async deliver(raw: LoggedEvent): Promise<void> {
    const view = await redactEvent(this.stores, raw);
    const id = raw.envelope.id;
    // Each viewer's copy first (emergency access may read the stores), then hand them out in one
    // synchronous step, as before: replay's switch to live and the vitals ids see no half-delivered event.
    const views: [VigilSocket, LoggedEvent][] = [];
    for (const socket of this.candidates(raw.envelope.facilityId)) {
      const d = socket.data;
      if (!d.user || !canSeeEvent(d.user, raw)) continue;
      const shown = await view(d.user);
      if (shown) views.push([socket, shown]);
    }
    for (const [socket, e] of views) {
      const d = socket.data;
      if (!socket.connected) continue;
      if (d.replaying) {
        d.buffer.push(e);
        continue;
      }
      // Already replayed to this socket (the tail can lag behind a replay read).
      if (d.cursor !== null && compareEventIds(id, d.cursor) <= 0) continue;
      emitLogged(socket, e, this.audit);
      d.cursor = id;
      this.stats.eventEmitted(e.event);
    }
    this.lastDeliveredId = id;
    const ended = await endEmergencyVitals(this.io, this.stores, raw);
    if (ended.length > 0) this.log.info({ userIds: ended, eventId: id }, 'emergency live vitals ended');
  }

  private candidates(facilityId: string): VigilSocket[] {
    const nsp = this.io.of('/');
    const ids = new Set<string>([
      ...(nsp.adapter.rooms.get(facilityRoom(facilityId)) ?? []),
      ...(nsp.adapter.rooms.get(ADMIN_ROOM) ?? []),
    ]);
    const out: VigilSocket[] = [];
    for (const id of ids) {
      const s = nsp.sockets.get(id);
      if (s) out.push(s);
    }
    return out;
  }
}
