import type { Server as HttpServer } from 'node:http';
import {
  type Resident,
  ReceiptRequest,
  SocketAuth,
  type SubscribeVitalsAck,
  SubscribeVitalsRequest,
} from '@vigil/contracts';
import type { TokenService } from '@vigil/auth';
import type { TaskService } from '@vigil/engine';
import type { Clock, Logger } from '@vigil/runtime';
import type { StoreReachability, Stores } from '@vigil/stores';
import { Server, type ServerOptions } from 'socket.io';
import type { AuditNote, AuditRecorder } from '../audit.ts';
import { resolveUser } from '../auth-guard.ts';
import { emergencyNote, vitalsAccess } from '../emergency-access.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { inScope, scopeOf } from '../scope.ts';
import { announceConsent } from './consent-event.ts';
import { Fanout } from './fanout.ts';
import { ReceiptBook } from './receipts.ts';
import {
  announceServiceStatus,
  UNAVAILABLE_ACK,
  unavailableHandshakeError,
  unlessUnreachable,
} from './service-status.ts';
import { SessionWatch } from './session-watch.ts';
import { normaliseLastEventId, replayThenLive } from './replay.ts';
import { ADMIN_ROOM, facilityRoom, residentRoom, type VigilServer, type VigilSocket, vitalsRoom } from './types.ts';
import { createVitalsFeed } from './vitals-feed.ts';

export interface RealtimeDeps {
  stores: Stores;
  tokens: TokenService;
  clock: Clock;
  logger: Logger;
  stats: GatewayMetrics;
  /** Delivery receipts mark the assignee's task `deliveredAt` (escalation and SLA, contract §2). */
  tasks: Pick<TaskService, 'delivered'>;
  /** Live vitals subscriptions and task contexts sent are audited (contract §4.2). */
  audit: AuditRecorder;
  /** Several gateways: the Redis streams adapter (see `GatewayDeps.socketAdapter`). */
  socketAdapter?: ServerOptions['adapter'];
  /** How often sockets' tokens are checked again (default 2 s; contract §2: closed within 5 s). */
  sessionCheckMs?: number;
  /** Whether the stores answer now: handshakes and requests fail fast while they do not (fail-fast.ts). */
  reachability?: StoreReachability;
}

/** The server pings every 3 s; a board (or the server) waits 5 s more for it before it gives up. */
export const HEARTBEAT_INTERVAL_MS = 3_000;
export const HEARTBEAT_TIMEOUT_MS = 5_000;

/** Socket.IO on the HTTP port (contract §2): auth, rooms, replay, live fan-out, vitals, receipts. */
export function createRealtime(httpServer: HttpServer, deps: RealtimeDeps) {
  const log = deps.logger.child({ module: 'realtime' });
  const io: VigilServer = new Server(httpServer, {
    path: '/socket.io',
    serveClient: false,
    // Client → server messages are tiny (subscribe, receipt).
    maxHttpBufferSize: 64 * 1024,
    // Heartbeat (issue 14): a board that hears no ping for pingInterval + pingTimeout (8 s) closes the
    // connection and says "connection lost", so a hung server (stopped process, frozen host) cannot
    // look live. Socket.IO's defaults (25 s + 20 s) left a hung server showing "Live" for 41 s.
    pingInterval: HEARTBEAT_INTERVAL_MS,
    pingTimeout: HEARTBEAT_TIMEOUT_MS,
    ...(deps.socketAdapter && { adapter: deps.socketAdapter }),
  });
  const fanout = new Fanout(io, deps.stores, deps.stats, log, deps.audit);
  const vitalsFeed = createVitalsFeed(io, deps.clock, deps.stats, () => fanout.lastDeliveredId);
  const receipts = new ReceiptBook();
  /** Makes each `consent` event id unique (not logged: the id is no replay position). */
  let consentSeq = 0;
  const sessions = new SessionWatch({
    stores: deps.stores,
    tokens: deps.tokens,
    clock: deps.clock,
    logger: log,
    ...(deps.sessionCheckMs !== undefined && { intervalMs: deps.sessionCheckMs }),
  });
  fanout.start();
  sessions.start();
  const stopAnnouncing = deps.reachability && announceServiceStatus(io, deps.reachability, deps.clock, log);

  // Stores unreachable: connect_error "unavailable" at once (the token cannot be checked), not a
  // handshake that hangs until Redis is back (issue 13 "fail fast, say so").
  io.use((_socket, next) => {
    if (deps.reachability && !deps.reachability.reachable()) return next(unavailableHandshakeError());
    next();
  });

  // A missing, invalid or expired token: connect_error "unauthorized" (contract §2).
  io.use((socket, next) => {
    const auth = SocketAuth.safeParse(socket.handshake.auth);
    if (!auth.success) return next(new Error('unauthorized'));
    resolveUser(deps.stores, deps.tokens, auth.data.token).then(
      (user) => {
        if (!user) return next(new Error('unauthorized'));
        socket.data.user = user;
        socket.data.requestedLastEventId = normaliseLastEventId(auth.data.lastEventId);
        next();
      },
      (err: unknown) => {
        log.error({ err }, 'socket auth failed');
        next(new Error('unauthorized'));
      },
    );
  });

  io.on('connection', (socket) => {
    const d = socket.data;
    // The middleware checked this token; the watch checks it again until the socket closes (contract §2).
    sessions.watch(socket, String((socket.handshake.auth as { token?: unknown }).token));
    d.cursor = null;
    d.replaying = true;
    d.buffer = [];
    // Handlers are attached before any await: a board may send subscribe:vitals right on `connect`.
    d.ready = joinAndReplay(socket).catch((err: unknown) => {
      log.error({ err, userId: d.user.id }, 'socket setup failed');
      socket.disconnect(true);
    });
    socket.on('subscribe:vitals', (req, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      unlessUnreachable(deps.reachability, () => subscribeVitals(socket, req), UNAVAILABLE_ACK).then(
        reply,
        (err: unknown) => {
          log.error({ err }, 'subscribe:vitals failed');
          reply({ error: { code: 'internal', message: 'internal error' } });
        },
      );
    });
    socket.on('receipt', (req) => {
      // Invalid receipts are ignored: a receipt is a hint for SLA, never worth an error to a board.
      const parsed = ReceiptRequest.safeParse(req);
      if (!parsed.success) return;
      receipt(socket, parsed.data.alertId).catch((err: unknown) =>
        log.error({ err, alertId: parsed.data.alertId, userId: d.user.id }, 'delivery receipt failed'),
      );
    });
  });

  /**
   * A receipt counts only for an alert the user may see (scope.ts, as for `GET /api/alerts/{id}`):
   * one for another zone's or facility's alert is ignored, so it neither fills the receipt book nor
   * tells escalation that an alert was seen by someone who could not have seen it.
   */
  async function receipt(socket: VigilSocket, alertId: string): Promise<void> {
    const user = socket.data.user;
    const alert = await deps.stores.alerts.get(alertId);
    if (!alert || !inScope(user, { kind: 'alert', alert })) return;
    receipts.record({ alertId, userId: user.id, at: deps.clock.now() });
    // Only the user's own tasks of that alert are touched.
    await delivered(alertId, user.id);
  }

  /** Never throws synchronously: a receipt is never worth an error to the board that sent it. */
  async function delivered(alertId: string, userId: string): Promise<void> {
    await deps.tasks.delivered(alertId, userId);
  }

  async function joinAndReplay(socket: VigilSocket) {
    const user = socket.data.user;
    // Rooms first (membership only; delivery is per socket, see fanout.ts), then replay: whatever is
    // appended from now on is buffered for this socket while the replay reads the log.
    const facilityIds =
      user.role === 'admin' ? (await deps.stores.facilities.list()).map((f) => f.id) : user.facilityIds;
    await socket.join(facilityIds.map(facilityRoom));
    if (user.role === 'admin') await socket.join(ADMIN_ROOM);
    if (user.role === 'resident' && user.residentId) await socket.join(residentRoom(user.residentId));
    if (socket.connected) await replayThenLive(socket, deps);
  }

  /**
   * Live vitals only of residents in the user's reach and under consent (contract §2, §4.3), or by
   * emergency access (§4.3: the user responds to an open `high` alert about them). All or nothing: one
   * refused resident refuses the request. Audited per resident as `vitals.live_subscribe` (contract
   * §4.2): `allowed` for each once the socket joins (purpose `emergency`, with the alert and task, for
   * an emergency access), `denied` for the one refused (an unknown resident, or one of another
   * facility, showed nothing: not recorded). An emergency subscription ends with the emergency (see
   * emergency-vitals.ts).
   */
  async function subscribeVitals(socket: VigilSocket, req: unknown): Promise<SubscribeVitalsAck> {
    const parsed = SubscribeVitalsRequest.safeParse(req);
    if (!parsed.success) return { error: { code: 'invalid_input', message: 'expected {residentIds: string[]}' } };
    // Vitals envelope ids embed the live cursor, so they must not precede the end of the replay.
    await socket.data.ready;
    const user = socket.data.user;
    const granted: { resident: Resident; note: AuditNote | undefined }[] = [];
    for (const id of parsed.data.residentIds) {
      const resident = await deps.stores.residents.get(id);
      if (!resident || scopeOf(user, { kind: 'resident', resident }) === 'other_facility') {
        return { error: { code: 'not_found', message: `resident ${id} not found` } };
      }
      const access = await vitalsAccess(deps.stores, user, resident);
      if (access.via === 'none') {
        deps.audit.record(user, resident, 'vitals.live_subscribe', 'denied', 'consent or zones do not cover you');
        return { error: { code: 'forbidden', message: `live vitals of resident ${id} are not available to you` } };
      }
      granted.push({ resident, note: access.via === 'emergency' ? emergencyNote(access.grant) : undefined });
    }
    await socket.join(granted.map((g) => vitalsRoom(g.resident.id)));
    // Join, then check again: an emergency that ended while this request was reading the stores has
    // already passed the fan-out's revocation (emergency-vitals.ts), so this check must catch it.
    for (const g of granted) {
      if (g.note === undefined || (await vitalsAccess(deps.stores, user, g.resident)).via !== 'none') continue;
      for (const other of granted) await socket.leave(vitalsRoom(other.resident.id));
      deps.audit.record(user, g.resident, 'vitals.live_subscribe', 'denied', 'the emergency access ended');
      return {
        error: { code: 'forbidden', message: `live vitals of resident ${g.resident.id} are not available to you` },
      };
    }
    for (const g of granted) deps.audit.record(user, g.resident, 'vitals.live_subscribe', 'allowed', g.note);
    return { ok: true };
  }

  return {
    io,
    vitalsFeed,
    receipts,
    fanout,
    socketsConnected: () => io.of('/').sockets.size,
    /**
     * A withdrawn consent takes effect on live streams at once, not at the next reconnect, on every
     * gateway: `fetchSockets` goes through the adapter, which reaches the other gateways' sockets. A
     * responder to an open `high` alert about the resident keeps the stream by emergency access
     * (contract §4.3), audited as such; it ends with the emergency (emergency-vitals.ts).
     */
    async consentChanged(resident: Resident): Promise<void> {
      const room = vitalsRoom(resident.id);
      try {
        const sockets = await io.in(room).fetchSockets();
        for (const s of sockets) {
          const access = await vitalsAccess(deps.stores, s.data.user, resident);
          if (access.via === 'none') s.leave(room);
          else if (access.via === 'emergency')
            deps.audit.record(s.data.user, resident, 'vitals.live_subscribe', 'allowed', emergencyNote(access.grant));
        }
      } catch (err) {
        log.error({ err, residentId: resident.id }, 'consent change not applied to sockets');
      }
      // Then the boards hear of it, and show "not shared" or the vitals again (issue 14).
      try {
        await announceConsent(io, resident, deps.clock.now(), `${fanout.lastDeliveredId ?? '0-0'}-c${++consentSeq}`);
      } catch (err) {
        log.error({ err, residentId: resident.id }, 'consent change not announced to sockets');
      }
    },
    close() {
      stopAnnouncing?.();
      sessions.stop();
      fanout.stop();
      vitalsFeed.close();
      io.local.disconnectSockets(true);
      io.engine.close();
      // A cluster adapter (several gateways) holds Redis connections of its own until it is closed.
      void Promise.resolve(io.of('/').adapter.close()).catch((err: unknown) =>
        log.warn({ err }, 'socket.io adapter did not close'),
      );
    },
  };
}
