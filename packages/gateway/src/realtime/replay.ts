import { type SyncEnvelope, toIso } from '@vigil/contracts';
import type { Clock } from '@vigil/runtime';
import { compareEventIds, type Stores } from '@vigil/stores';
import { canSeeEvent } from '../scope.ts';
import type { AuditRecorder } from '../audit.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { redactEvent } from './redact.ts';
import { emitLogged, type VigilSocket } from './types.ts';

const PAGE = 1000;
/** What the event log issues (Redis stream ids and the memory log's alike): `<ms>-<seq>`. */
const EVENT_ID = /^\d{1,20}-\d{1,20}$/;
/** Beyond this many events a board is better off reloading over REST (`complete: false`). */
const MAX_REPLAY = 50_000;

/**
 * Envelopes that do not go through the log (vitals, sync) carry `<last logged id>-v<n>`; a client that
 * resumes from such an id resumes from the logged id it embeds, so nothing logged is ever skipped.
 */
export function normaliseLastEventId(id: string | undefined): string | undefined {
  if (id === undefined || id === '') return undefined;
  const m = /^(\d+-\d+)-v\d+$/.exec(id);
  return m?.[1] ?? id;
}

/**
 * Replay then go live (contract §2 "No lost events"). The socket is already in its rooms with
 * `replaying` set, so the fan-out buffers what arrives meanwhile. Replayed events are sent in order,
 * then `sync.done`, then the buffer minus what the replay already covered; the switch from buffer to
 * live happens in one synchronous step, so nothing is lost or sent twice.
 */
export async function replayThenLive(
  socket: VigilSocket,
  deps: { stores: Stores; clock: Clock; stats: GatewayMetrics; audit: Pick<AuditRecorder, 'record'> },
): Promise<void> {
  const d = socket.data;
  const { events } = deps.stores;
  const requested = d.requestedLastEventId;
  const last = await events.lastId();
  let cursor: string | null = last;
  let replayed = 0;
  let complete = true;

  if (requested !== undefined) {
    if (!EVENT_ID.test(requested)) {
      // Not an id the log issues (issue 13 LOW: "abc" compared as NaN and replayed a subset with
      // `complete: true`): nothing is replayed, and the board is told to reload over REST.
      complete = false;
    } else if (last === null || compareEventIds(requested, last) > 0) {
      // An id the log never issued (another log, or one lost to a restart): reload over REST.
      complete = last === null && /^0-0$/.test(requested);
    } else {
      cursor = requested;
      for (;;) {
        const page = await events.readAfter(cursor, PAGE);
        if (!page.complete) complete = false;
        for (const raw of page.events) {
          cursor = raw.envelope.id;
          if (!canSeeEvent(d.user, raw)) continue;
          if (!socket.connected) return;
          const shown = await (await redactEvent(deps.stores, raw))(d.user);
          if (!socket.connected) return;
          if (!shown) continue;
          emitLogged(socket, shown, deps.audit);
          deps.stats.eventEmitted(raw.event);
          replayed++;
        }
        if (page.events.length < PAGE) break;
        if (replayed >= MAX_REPLAY) {
          complete = false;
          break;
        }
      }
    }
  }
  if (!socket.connected) return;

  // From here to the end: no await, so the fan-out cannot interleave.
  const sync: SyncEnvelope = {
    id: cursor ?? '0-0',
    type: 'sync.done',
    at: toIso(deps.clock.now()),
    // A socket may span facilities; the envelope names the user's first (or `all` for an admin).
    facilityId: d.user.facilityIds[0] ?? 'all',
    data: { lastEventId: cursor, replayed, complete },
  };
  socket.emit('sync', sync);
  deps.stats.eventEmitted('sync');
  d.cursor = cursor;
  for (const e of d.buffer) {
    if (d.cursor !== null && compareEventIds(e.envelope.id, d.cursor) <= 0) continue;
    emitLogged(socket, e, deps.audit);
    deps.stats.eventEmitted(e.event);
    d.cursor = e.envelope.id;
  }
  d.buffer = [];
  d.replaying = false;
}
