import type { ClientToServerEvents, LoggedEvent, ServerToClientEvents } from '@vigil/contracts';
import type { Server, Socket } from 'socket.io';
import { alertReadNote, showsHealth } from '../alert-view.ts';
import type { AuditRecorder } from '../audit.ts';
import type { AuthUser } from '../auth-guard.ts';
import { hasHealthNote } from '../access.ts';
import { taskContextNote } from '../emergency-access.ts';

/** Per-socket state (contract §2): who it is, and where it stands in the event log. */
export interface SocketData {
  user: AuthUser;
  /** `auth.lastEventId` of the handshake, normalised (see replay.ts). */
  requestedLastEventId: string | undefined;
  /** Id of the newest logged event this socket has been given (or skipped over on purpose). */
  cursor: string | null;
  /** While true, live events are buffered instead of sent (replay in progress). */
  replaying: boolean;
  buffer: LoggedEvent[];
  /**
   * Alerts this socket has been shown with their health content, and how (`emergency` or not): an
   * open vitals alert is updated every few seconds, and each update is the same read on the same
   * board, so `alert.read` is recorded once per alert and socket (and again if it turns emergency).
   */
  alertsRead?: Map<string, boolean>;
  /** Settles when the replay is over; later requests (subscribe:vitals) wait for it. */
  ready: Promise<void>;
}

export type VigilServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type VigilSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const facilityRoom = (facilityId: string) => `facility:${facilityId}`;
export const residentRoom = (residentId: string) => `resident:${residentId}`;
export const vitalsRoom = (residentId: string) => `vitals:${residentId}`;
/**
 * Every logged event kind a socket may receive; a Record, so a new kind in the contracts cannot ship
 * without an entry here, and test/access-matrix.int.test.ts then lacks its row until one is written.
 */
export const LOGGED_EVENTS: Record<LoggedEvent['event'], true> = {
  alert: true,
  task: true,
  sla: true,
  device: true,
  report: true,
};

/** Admins see every facility, including ones created after they connected. */
export const ADMIN_ROOM = 'role:admin';

/** Alerts remembered per socket for `alertsRead`; beyond this the oldest are forgotten (re-audited). */
const MAX_ALERTS_READ = 5000;

function firstRead(socket: VigilSocket, alertId: string, emergency: boolean): boolean {
  socket.data.alertsRead ??= new Map();
  const read = socket.data.alertsRead;
  if (read.get(alertId) === emergency) return false;
  read.delete(alertId);
  read.set(alertId, emergency);
  if (read.size > MAX_ALERTS_READ) {
    const oldest = read.keys().next().value;
    if (oldest !== undefined) read.delete(oldest);
  }
  return true;
}

/**
 * Sends a logged event under its own event name (contract §2 table). Every live and replayed event
 * leaves through here, so a task that carries its health `context` (already redacted for this user)
 * is audited here as `task_context.read`, and an alert about a resident that kept its health content
 * as `alert.read` (contract §4.2; once per alert and socket, see `alertsRead`), with purpose `emergency` when the redaction
 * kept it by emergency access (`emergencyAccess: true`, contract §4.3).
 */
export function emitLogged(socket: VigilSocket, e: LoggedEvent, audit: Pick<AuditRecorder, 'record'>): void {
  switch (e.event) {
    case 'alert': {
      socket.emit('alert', e.envelope);
      const alert = e.envelope.data;
      // An alert about a resident with its health content is a read of it (contract §4.2, issue 13).
      if (showsHealth(alert) && firstRead(socket, alert.id, alert.emergencyAccess === true)) {
        const subject = { id: alert.residentId, facilityId: alert.facilityId };
        audit.record(
          socket.data.user,
          subject,
          'alert.read',
          'allowed',
          alertReadNote(alert, `live ${e.envelope.type}`),
        );
      }
      return;
    }
    case 'task': {
      socket.emit('task', e.envelope);
      const task = e.envelope.data;
      if (task.context !== undefined && task.residentId !== undefined) {
        audit.record(
          socket.data.user,
          { id: task.residentId, facilityId: task.facilityId },
          'task_context.read',
          'allowed',
          taskContextNote(task, `live ${e.envelope.type}`),
        );
      }
      // A consult note is health data too (issue 14), audited as its own read.
      if (hasHealthNote(task) && task.residentId !== undefined) {
        audit.record(
          socket.data.user,
          { id: task.residentId, facilityId: task.facilityId },
          'task_note.read',
          'allowed',
          taskContextNote(task, `live ${e.envelope.type}`),
        );
      }
      return;
    }
    case 'sla':
      socket.emit('sla', e.envelope);
      return;
    case 'device':
      socket.emit('device', e.envelope);
      return;
    case 'report': {
      socket.emit('report', e.envelope);
      // NEWS2 and the risk level are health data: each push is a read of the report (contract §4.2).
      // The detail names the event, not the levels: the audit log holds no health values.
      audit.record(
        socket.data.user,
        { id: e.envelope.data.residentId, facilityId: e.envelope.facilityId },
        'report.read',
        'allowed',
        'live report.updated',
      );
      return;
    }
  }
}
