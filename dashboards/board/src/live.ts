import { signal } from '@preact/signals';
import {
  Alert,
  type ClientToServerEvents,
  ConsentChangedData,
  ReportUpdatedData,
  type ServerToClientEvents,
  SlaWarning,
  Task,
  VitalsEventData,
} from '@vigil/contracts';
import { io, type Socket } from 'socket.io-client';
import { applyConsent, refreshConsent } from './consent-live.ts';
import { applyReportUpdate } from './consult/report-live.ts';
import { sessionText } from './i18n/session.ts';
import { logout, token } from './session.ts';
import { applyWarning } from './sla.ts';
import { applyAlert, applyVitalsSample } from './store.ts';
import { applyTask } from './tasks.ts';
import { tCommon } from './i18n/common.ts';

/**
 * - `connecting`: first connection, nothing live yet.
 * - `syncing`: reconnected, the server is replaying what we missed (contract §2 "No lost events").
 * - `live`: connected and caught up.
 * - `lost`: down; the board may be stale and says so.
 */
export type ConnectionState = 'connecting' | 'syncing' | 'live' | 'lost';
export const connection = signal<ConnectionState>('connecting');
export const vitalsLiveError = signal<string | null>(null);

type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveOptions {
  token: string;
  /** Reload open alerts (and residents) over REST: first connect, or a replay that could not be complete. */
  reload: () => void;
  /** After any task event (managers refresh the team's load from it). */
  onTask?: () => void;
}

/** If a replay's `sync` never comes (older gateway, lost packet), fall back to REST rather than wait. */
const SYNC_TIMEOUT_MS = 5_000;
const MANUAL_RETRY_MS = 2_000;

let socket: BoardSocket | null = null;
/**
 * Position in the ordered event log. Taken from the logged events (alert, task, sla, device) and from
 * `sync`; not from `vitals`, which are throttled live samples outside the log, so their ids must not
 * move the replay point past an alert we never received.
 */
let lastEventId: string | undefined;
let vitalsIds: string[] = [];
const receiptsSent = new Set<string>();
const receiptsPending = new Set<string>();
let syncTimer: ReturnType<typeof setTimeout> | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

export function startLive(opts: LiveOptions): () => void {
  stopLive();
  const s: BoardSocket = io({
    path: '/socket.io',
    // WebSocket first: behind a load balancer with several gateways, one connection stays on one
    // gateway without sticky sessions; long-polling (which needs them) is only the fallback.
    transports: ['websocket', 'polling'],
    // A function, so every reconnection sends the latest token (refreshed every few minutes) and the
    // latest lastEventId, and the server replays from it.
    auth: (cb) => {
      const t = token() ?? opts.token;
      cb(lastEventId === undefined ? { token: t } : { token: t, lastEventId });
    },
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });
  socket = s;
  connection.value = 'connecting';

  s.on('connect', () => {
    if (lastEventId === undefined) {
      // Nothing to replay from: the REST snapshot taken now covers everything before this connection,
      // and everything after it arrives live on this socket.
      connection.value = 'live';
      opts.reload();
    } else {
      // `consent` events are not replayed: what changed while we were away is read again.
      void refreshConsent();
      connection.value = 'syncing';
      clearTimeout(syncTimer);
      syncTimer = setTimeout(() => {
        if (connection.value !== 'syncing') return;
        connection.value = 'live';
        opts.reload();
      }, SYNC_TIMEOUT_MS);
    }
    sendVitalsSubscription();
    flushReceipts();
  });

  // Whether the server could not be reached since the last good connection (it dropped us, or a
  // reconnection found nobody there): a refusal after that means it restarted without keeping
  // sessions; a refusal straight after it closed us on purpose means the session was ended (revoked).
  let serverWentAway = false;
  s.on('connect', () => {
    serverWentAway = false;
  });
  s.on('disconnect', (reason) => {
    if (socket !== s) return;
    connection.value = 'lost';
    serverWentAway = reason !== 'io server disconnect' && reason !== 'io client disconnect';
    // The server closed us on purpose (e.g. token revoked); socket.io does not retry that by itself.
    if (reason === 'io server disconnect') scheduleManualRetry(s);
  });

  s.on('connect_error', (err) => {
    if (socket !== s) return;
    if (err.message !== 'unauthorized' && err.message !== 'unavailable') serverWentAway = true;
    if (err.message === 'unauthorized') {
      // Contract §2: missing, invalid or expired token. Retrying cannot help; the user must sign in.
      stopLive();
      logout(sessionText(serverWentAway ? 'restarted' : 'ended'));
      return;
    }
    connection.value = 'lost';
    if (!s.active) scheduleManualRetry(s);
  });

  // Extension `service` (issue 13): the gateway's Redis stopped answering, so no event can reach this
  // board; say so (the banner) instead of showing a quiet facility. Once it answers again, events
  // resume; a REST reload covers anything the outage may have hidden.
  s.on('service', (e) => {
    if (socket !== s) return;
    if (e.type === 'service.unavailable') connection.value = 'lost';
    else if (connection.value === 'lost') {
      connection.value = 'live';
      opts.reload();
    }
  });

  s.on('alert', (e) => {
    track(e.id);
    const parsed = Alert.safeParse(e.data);
    if (parsed.success) {
      applyAlert(parsed.data);
      return;
    }
    // Contract drift is a bug to fix, but a missed alert costs more than an oddly formatted one:
    // show it if it has what the board needs to list it.
    console.warn('vigil: alert event does not match the contract', parsed.error.issues);
    const d = e.data as Partial<Alert> | undefined;
    if (d && typeof d.id === 'string' && typeof d.priority === 'string' && typeof d.state === 'string') {
      applyAlert(d as Alert);
    }
  });
  s.on('task', (e) => {
    track(e.id);
    const parsed = Task.safeParse(e.data);
    if (parsed.success) applyTask(parsed.data);
    else {
      // As for alerts: a task nobody sees is worse than one shown from a drifted payload.
      console.warn('vigil: task event does not match the contract', parsed.error.issues);
      const d = e.data as Partial<Task> | undefined;
      if (d && typeof d.id === 'string' && typeof d.state === 'string' && typeof d.kind === 'string') {
        applyTask(d as Task);
      }
    }
    opts.onTask?.();
  });
  s.on('sla', (e) => {
    track(e.id);
    const parsed = SlaWarning.safeParse(e.data);
    if (parsed.success) {
      applyWarning(parsed.data);
      return;
    }
    console.warn('vigil: sla event does not match the contract', parsed.error.issues);
    const d = e.data as Partial<SlaWarning> | undefined;
    if (d && typeof d.id === 'string' && typeof d.kind === 'string' && typeof d.raisedAt === 'string') {
      applyWarning(d as SlaWarning);
    }
  });
  s.on('device', (e) => track(e.id));
  s.on('vitals', (e) => {
    const parsed = VitalsEventData.safeParse(e.data);
    if (parsed.success) applyVitalsSample(parsed.data);
    else console.warn('vigil: vitals event does not match the contract', parsed.error.issues);
  });
  // Extension `consent` (issue 14): a resident changed who may see their data; show it at once.
  s.on('consent', (e) => {
    const parsed = ConsentChangedData.safeParse(e.data);
    if (parsed.success) applyConsent(parsed.data);
    else console.warn('vigil: consent event does not match the contract', parsed.error.issues);
  });
  // `report.updated` (contract §2, §4.4): a resident's risk changed; the consult view shows it at once.
  s.on('report', (e) => {
    track(e.id);
    const parsed = ReportUpdatedData.safeParse(e.data);
    if (parsed.success) applyReportUpdate(parsed.data);
    else console.warn('vigil: report event does not match the contract', parsed.error.issues);
  });
  s.on('sync', (e) => {
    const d = e.data;
    if (d.lastEventId) lastEventId = d.lastEventId;
    clearTimeout(syncTimer);
    connection.value = 'live';
    // Contract §2: the id was older than retention; only a REST reload makes the board true again.
    if (!d.complete) opts.reload();
  });

  return stopLive;
}

function track(id: string | undefined): void {
  if (typeof id === 'string' && id) lastEventId = id;
}

function scheduleManualRetry(s: BoardSocket): void {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => {
    if (socket === s && !s.connected) s.connect();
  }, MANUAL_RETRY_MS);
}

/**
 * After a token refresh: the server closes a socket whose token was revoked (the refresh revokes the
 * old one), so the socket reconnects at once with the new token and replays from `lastEventId`.
 */
export function reconnectLive(): void {
  const s = socket;
  if (!s) return;
  s.disconnect();
  s.connect();
}

export function stopLive(): void {
  clearTimeout(syncTimer);
  clearTimeout(retryTimer);
  const s = socket;
  socket = null;
  s?.removeAllListeners();
  s?.disconnect();
  lastEventId = undefined;
  vitalsIds = [];
  receiptsSent.clear();
  receiptsPending.clear();
  vitalsLiveError.value = null;
  connection.value = 'connecting';
}

/** Live vitals only flow for residents the socket subscribed to; subscriptions die with the socket. */
export function subscribeVitals(residentIds: readonly string[]): void {
  vitalsIds = [...residentIds];
  sendVitalsSubscription();
}

function sendVitalsSubscription(): void {
  const s = socket;
  if (!s?.connected || vitalsIds.length === 0) return;
  // Our own timer rather than socket.timeout(): the shared event map types the ack without an error slot.
  let answered = false;
  const timer = setTimeout(() => {
    if (!answered) vitalsLiveError.value = tCommon('vitalsNoAnswer');
  }, 10_000);
  s.emit('subscribe:vitals', { residentIds: vitalsIds }, (res) => {
    answered = true;
    clearTimeout(timer);
    vitalsLiveError.value = 'error' in res ? tCommon('vitalsUnavailable', { reason: res.error.message }) : null;
  });
}

/**
 * Delivery receipt (contract §2 `receipt`): sent once per alert, when it has really been on screen,
 * so escalation and SLA know a person could have seen it. A hidden tab has shown nothing, so receipts
 * wait for the page to be visible (and for the socket to be up).
 */
export function markDisplayed(alertId: string): void {
  if (receiptsSent.has(alertId)) return;
  receiptsPending.add(alertId);
  flushReceipts();
}

function flushReceipts(): void {
  const s = socket;
  if (!s?.connected || document.visibilityState !== 'visible') return;
  for (const alertId of receiptsPending) {
    s.emit('receipt', { alertId });
    receiptsSent.add(alertId);
  }
  receiptsPending.clear();
}

if (typeof document !== 'undefined') document.addEventListener('visibilitychange', flushReceipts);
