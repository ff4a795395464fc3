import type { LoggedEvent } from '@vigil/contracts';
import { compareEventIds } from '../memory/event-log.ts';
import type { EventLog, NewEvent, ReplayResult } from '../types.ts';
import type { Keys, RedisClient } from './script.ts';
import { LuaScript } from './script.ts';
import { duplicateClient } from './connection.ts';
import { eventLogKeys } from './key-layout.ts';
import type { Sealer } from './sealer.ts';

export interface RedisEventLogOptions {
  /** Kept at least this long (contract §2: 24 h); older events are trimmed on append. */
  retentionMs?: number;
  /** Optional cap on the number of events (at least 1); none by default, so retention is by time only. */
  maxEvents?: number;
  /** How long `append` waits for its own event to reach this instance's listeners before returning. */
  deliveryTimeoutMs?: number;
  /** Reports errors of the live tail (it retries on its own). */
  onError?: (err: unknown) => void;
}

/**
 * Appends with an id from the injected clock, `<ms>-*`, never below the stream's last id (as the
 * memory log does with `max(now, lastMs)`), then trims exactly what is older than the retention (and
 * beyond `maxEvents`, if set), remembering the newest id it trimmed: a replay from before that id is
 * incomplete. (`max-deleted-entry-id` of XINFO counts XDEL only, not trimming, so it cannot tell.)
 * KEYS: stream, trimmed-through; ARGV: now, retentionMs, maxEvents or '', event, type, facilityId, data.
 */
const APPEND = new LuaScript(`
local function ms_of(id) return tonumber(string.match(id, '^(%d+)')) end
local ms = tonumber(ARGV[1])
local info = redis.pcall('XINFO', 'STREAM', KEYS[1])
if type(info) == 'table' and not info.err then
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then
      local last = ms_of(info[i + 1])
      if last > ms then ms = last end
      break
    end
  end
end
local id = redis.call('XADD', KEYS[1], string.format('%.0f', ms) .. '-*',
  'event', ARGV[4], 'type', ARGV[5], 'facilityId', ARGV[6], 'data', ARGV[7])
local trimmed = nil
local minId = ms - tonumber(ARGV[2])
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
if minId > 0 and first and ms_of(first[1]) < minId then
  local threshold = string.format('%.0f', minId)
  trimmed = redis.call('XREVRANGE', KEYS[1], '(' .. threshold .. '-0', '-', 'COUNT', 1)[1][1]
  redis.call('XTRIM', KEYS[1], 'MINID', threshold)
end
if ARGV[3] ~= '' then
  local excess = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[3])
  if excess > 0 then
    local dropped = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', excess)
    trimmed = dropped[#dropped][1]
    redis.call('XTRIM', KEYS[1], 'MAXLEN', ARGV[3])
  end
end
if trimmed then redis.call('SET', KEYS[2], trimmed) end
return id
`);

/**
 * The stream's last generated id ('0-0' when it has none), which outlives trimming. A script because
 * it routes by its key: a bare `XINFO STREAM key` names no key position ioredis knows, so on a Redis
 * Cluster it went to any master and failed with MOVED when that one did not hold the stream (a board
 * socket's setup failed one time in three). KEYS: stream.
 */
const LAST_ID = new LuaScript(`
local info = redis.pcall('XINFO', 'STREAM', KEYS[1])
if type(info) ~= 'table' or info.err then return '0-0' end
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then return info[i + 1] end
end
return '0-0'
`);

type Entry = [id: string, fields: string[]];
const VALID_ID = /^\d{1,15}(-\d{1,19})?$/;

/**
 * Where a sealed `data` field belongs. The stream id is chosen inside the append script, after sealing,
 * so the AAD binds the entry's facility, event and type rather than its id.
 */
const dataContext = (facilityId: string, event: string, type: string) => ({
  kind: 'event',
  id: `${facilityId}/${event}/${type}`,
  field: 'data',
});

async function toLogged([id, fields]: Entry, sealer: Sealer | undefined): Promise<LoggedEvent> {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  const ms = Number(id.slice(0, id.indexOf('-')));
  const raw = f.data ?? 'null';
  const data = sealer
    ? await sealer.open(dataContext(f.facilityId ?? '', f.event ?? '', f.type ?? ''), raw)
    : JSON.parse(raw);
  return {
    event: f.event,
    envelope: { id, type: f.type, at: new Date(ms).toISOString(), facilityId: f.facilityId, data },
  } as LoggedEvent;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The event log as a Redis Stream `{events}` (contract §2 "No lost events"): ids are the stream's own
 * `<ms>-<seq>`, replay is `XRANGE (afterId`, and `complete` is false when `afterId` is older than the
 * newest trimmed entry (kept in `{events}:trimmed-through`).
 *
 * `subscribe` tails the stream with a blocking `XREAD` loop on a connection of its own, so every
 * instance's listeners get every instance's events, in stream order. An `append` with local listeners
 * resolves only once the tail has delivered it, so, as with the memory log, a listener has seen an
 * event by the time its `append` returns. With encryption on, `data` (alerts and tasks, with vital
 * values) is sealed with the facility's DEK; event, type and facilityId stay plain.
 */
export class RedisEventLog implements EventLog {
  private readonly key: string;
  private readonly trimmedKey: string;
  private readonly retentionMs: number;
  private readonly listeners = new Set<(e: LoggedEvent) => void>();
  private tail: { ready: Promise<void>; done: Promise<void>; connection: RedisClient } | undefined;
  /** Newest id the tail has delivered. */
  private cursor = '0-0';
  private waiters: { id: string; resolve: () => void }[] = [];
  private closed = false;

  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    private readonly now: () => number = Date.now,
    private readonly opts: RedisEventLogOptions = {},
    private readonly sealer?: Sealer,
  ) {
    ({ stream: this.key, trimmedThrough: this.trimmedKey } = eventLogKeys(keys));
    this.retentionMs = opts.retentionMs ?? 24 * 60 * 60_000;
  }

  async append(e: NewEvent): Promise<LoggedEvent> {
    const tail = this.listeners.size > 0 ? this.tail : undefined;
    // The tail must know where it starts before this event exists, or it could start after it.
    if (tail) await this.bounded(tail.ready);
    const id = (await APPEND.run(
      this.redis,
      [this.key, this.trimmedKey],
      [
        String(this.now()),
        String(this.retentionMs),
        this.opts.maxEvents === undefined ? '' : String(Math.max(1, Math.floor(this.opts.maxEvents))),
        e.event,
        e.type,
        e.facilityId,
        this.sealer
          ? await this.sealer.seal(e.facilityId, dataContext(e.facilityId, e.event, e.type), e.data)
          : JSON.stringify(e.data),
      ],
    )) as string;
    if (tail) await this.bounded(this.delivered(id));
    const ms = Number(id.slice(0, id.indexOf('-')));
    return {
      event: e.event,
      envelope: { id, type: e.type, at: new Date(ms).toISOString(), facilityId: e.facilityId, data: e.data },
    } as LoggedEvent;
  }

  async readAfter(afterId: string, limit = 10_000): Promise<ReplayResult> {
    // Ids come from clients (`lastEventId`): one Redis would refuse reads from the start.
    const from = VALID_ID.test(afterId) ? afterId : '0-0';
    const [trimmed, range] =
      (await this.redis
        .multi()
        .get(this.trimmedKey)
        .xrange(this.key, `(${from}`, '+', 'COUNT', Math.max(1, Math.floor(limit)))
        .exec()) ?? [];
    for (const r of [trimmed, range]) if (r?.[0]) throw r[0];
    const trimmedThrough = trimmed?.[1] as string | null | undefined;
    return {
      events: await Promise.all(((range?.[1] ?? []) as Entry[]).map((entry) => toLogged(entry, this.sealer))),
      complete: !trimmedThrough || compareEventIds(from, trimmedThrough) >= 0,
    };
  }

  async lastId(): Promise<string | null> {
    return this.lastIdOn(this.redis);
  }

  private async lastIdOn(redis: RedisClient): Promise<string | null> {
    const last = String(await LAST_ID.run(redis, [this.key]));
    return last === '0-0' ? null : last;
  }

  subscribe(listener: (e: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    this.startTail();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Stops the tail and closes its connection. */
  async close(): Promise<void> {
    this.closed = true;
    const tail = this.tail;
    if (!tail) return;
    tail.connection.disconnect();
    await tail.done;
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private startTail() {
    if (this.tail || this.closed) return;
    // Its own connection: XREAD BLOCK holds it. No command timeout there, no auto-pipelining.
    const connection = duplicateClient(this.redis, { enableAutoPipelining: false, commandTimeout: undefined });
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const done = this.runTail(connection, markReady).catch((err: unknown) => this.opts.onError?.(err));
    this.tail = { ready, done, connection };
  }

  private async runTail(connection: RedisClient, markReady: () => void) {
    let started = false;
    while (!this.closed) {
      try {
        if (!started) {
          this.cursor = (await this.lastIdOn(connection)) ?? '0-0';
          started = true;
          markReady();
        }
        const reply = (await connection.xread('COUNT', 1000, 'BLOCK', 5_000, 'STREAMS', this.key, this.cursor)) as
          | [string, Entry[]][]
          | null;
        if (reply?.[0]) await this.deliver(reply[0][1]);
      } catch (err) {
        if (this.closed) return;
        this.opts.onError?.(err);
        await sleep(200);
      }
    }
  }

  private async deliver(entries: Entry[]) {
    // Opened in one go before any is handed out: the cursor and the listeners see the stream in order.
    // One that does not open is reported and passed over, or the tail would retry it forever.
    const fresh = entries.filter((entry) => compareEventIds(entry[0], this.cursor) > 0);
    const opened = await Promise.all(
      fresh.map((entry) =>
        toLogged(entry, this.sealer).catch((err: unknown) => {
          this.opts.onError?.(err);
          return undefined;
        }),
      ),
    );
    for (const [i, e] of opened.entries()) {
      this.cursor = fresh[i]?.[0] ?? this.cursor;
      if (e === undefined) continue;
      for (const l of this.listeners) {
        try {
          l(e);
        } catch (err) {
          // A failing listener must not stop the others nor the tail; it is reported.
          this.opts.onError?.(err);
        }
      }
    }
    if (this.waiters.length === 0) return;
    const waiting: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (compareEventIds(w.id, this.cursor) <= 0) w.resolve();
      else waiting.push(w);
    }
    this.waiters = waiting;
  }

  private delivered(id: string): Promise<void> {
    if (compareEventIds(id, this.cursor) <= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ id, resolve }));
  }

  /** Waits at most `deliveryTimeoutMs`: a stalled tail delays appends, never blocks them. */
  private async bounded(p: Promise<void>) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.opts.deliveryTimeoutMs ?? 2_000);
    });
    try {
      await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
