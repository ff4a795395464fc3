import type { LatestVitals, VitalsHistory, VitalsPoint } from '../types.ts';
import { vitalsKeys } from './key-layout.ts';
import { type Keys, LuaScript, type RedisClient, toJson } from './script.ts';
import type { Sealer } from './sealer.ts';
import {
  evictedByPending,
  LATEST_FIELDS,
  mergeRange,
  newestPerField,
  setLatest,
  withPendingLatest,
} from './vitals-pending.ts';

/** Field of the latest hash counting appends: it orders equal timestamps and marks a known resident. */
const COUNT = '_n';

/**
 * A resident's points of one write-out into the bounded history and the latest hash, atomically.
 * History: a sorted set scored by device time; members are `<16-digit append count>|<JSON>`, unique
 * and, for equal timestamps, in arrival order (a late store-and-forward point lands at its place, as in
 * the memory ring). Beyond `capacity` the oldest by device time are dropped.
 * Latest: `<field>:ts` and `<field>`, replaced only by a value at least as recent. Plain, `<field>` is
 * the JSON value. Sealed, the write-out's newest values share one sealed object, `_b<count>` =
 * `p|<sealed point>` (all from one point: its history member's sealed JSON, sealed once for both) or
 * `l|<sealed object>`, and `<field>` = `@_b<count>`; objects no field refers to any more are deleted.
 * (Before write-behind each value was sealed on its own in `<field>`: still read as it is.)
 * KEYS: history, latest; ARGV: point count k, capacity, shared object or '' (plain), k (ts, point
 * JSON) pairs, then (field, ts, JSON value or '') triples, one per field: the newest of the k points.
 */
const APPEND = new LuaScript(`
local k = tonumber(ARGV[1])
local shared = ARGV[3]
local n = redis.call('HINCRBY', KEYS[2], '${COUNT}', k) - k
local zadd = {}
for i = 1, k do
  zadd[2 * i - 1] = ARGV[2 + 2 * i]
  zadd[2 * i] = string.format('%016d', n + i) .. '|' .. ARGV[3 + 2 * i]
end
redis.call('ZADD', KEYS[1], unpack(zadd))
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[2])
if excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1) end
local object = '_b' .. (n + k)
local referenced = false
for i = 4 + 2 * k, #ARGV, 3 do
  local prev = redis.call('HGET', KEYS[2], ARGV[i] .. ':ts')
  if not prev or tonumber(prev) <= tonumber(ARGV[i + 1]) then
    local value = ARGV[i + 2]
    if shared ~= '' then
      value = '@' .. object
      referenced = true
    end
    redis.call('HSET', KEYS[2], ARGV[i], value, ARGV[i] .. ':ts', ARGV[i + 1])
  end
end
if referenced then
  redis.call('HSET', KEYS[2], object, shared)
  local h = redis.call('HGETALL', KEYS[2])
  local live = {}
  for i = 2, #h, 2 do
    if string.sub(h[i], 1, 1) == '@' then live[string.sub(h[i], 2)] = true end
  end
  for i = 1, #h, 2 do
    if string.sub(h[i], 1, 2) == '_b' and not live[h[i]] then redis.call('HDEL', KEYS[2], h[i]) end
  end
end
return n + k
`);

/** Points per script call: keeps the argument list well inside Lua's `unpack` limit. */
const POINTS_PER_CALL = 500;

/** A score bound as Redis spells it (`-inf` / `+inf` for unbounded ranges). */
const bound = (n: number) =>
  n === Number.NEGATIVE_INFINITY ? '-inf' : n === Number.POSITIVE_INFINITY ? '+inf' : String(n);

export interface VitalsWriteBehindOptions {
  /** Longest an appended point waits in process before it is written out (default 1000 ms). */
  flushMs?: number;
  /** Buffered points (all residents) that start a write-out before `flushMs` is up (default 10,000). */
  maxBufferedPoints?: number;
  /** Failures of write-outs nobody awaits (the timer's): the points stay buffered for the next one. */
  onError?: (err: unknown) => void;
}

/** Points taken from the buffer for one write-out; `sent` once its scripts are on the connection. */
interface WriteOut {
  points: Map<string, VitalsPoint[]>;
  sent: boolean;
  done: Promise<unknown>;
}

/**
 * Vitals history in Redis until the TSDB of issue 5 lands: `{r:<residentId>}:vitals` (sorted set,
 * bounded to `capacityPerResident` points) and `{r:<residentId>}:vitals:latest` (hash). With encryption on, each
 * point's JSON and each latest value are sealed with the resident's facility DEK; device times (scores
 * and `<field>:ts`) stay plain, as the scripts order and compare by them.
 *
 * Write-behind (issue 12: one Redis round trip per sample at most): `append` buffers in process; every
 * `flushMs`, or on `flush()`, each resident's buffered points go out in one script call (all calls of
 * a write-out in one pipelined round trip), and only the newest value per latest field is sealed.
 * Reads here include buffered points. A crash loses what is buffered; the engine flushes before each
 * partition checkpoint (createRedisStores does it in the checkpoint store), so a takeover replays
 * those records from the log.
 */
export class RedisVitalsHistory implements VitalsHistory {
  private buffer = new Map<string, VitalsPoint[]>();
  private bufferedPoints = 0;
  /** Taken from the buffer and not yet known written, oldest first. */
  private readonly writeOuts: WriteOut[] = [];
  /** The write-out chain: one at a time, so a resident's calls reach Redis in append order. */
  private writing: Promise<void> = Promise.resolve();
  /** A write-out waiting for the one before it, not yet holding the buffer. */
  private queued: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Closed: no more timed write-outs (what is left is written only on an explicit `flush()`). */
  private closed = false;
  private readonly flushMs: number;
  private readonly maxBufferedPoints: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly capacityPerResident = 20_000,
    private readonly sealer?: Sealer,
    private readonly writeBehind: VitalsWriteBehindOptions = {},
  ) {
    this.flushMs = writeBehind.flushMs ?? 1000;
    this.maxBufferedPoints = writeBehind.maxBufferedPoints ?? 10_000;
  }

  private history(residentId: string) {
    return vitalsKeys(this.keys, residentId).history;
  }
  private latestKey(residentId: string) {
    return vitalsKeys(this.keys, residentId).latest;
  }

  async append(residentId: string, point: VitalsPoint): Promise<void> {
    const list = this.buffer.get(residentId);
    if (list) list.push({ ...point });
    else this.buffer.set(residentId, [{ ...point }]);
    if (++this.bufferedPoints >= this.maxBufferedPoints) this.flushInBackground();
    else this.scheduleFlush();
  }

  /** Stops the timed write-outs (the stores' `close()`, after its last flush). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleFlush(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.flushInBackground(), this.flushMs);
    this.timer.unref?.();
  }

  /**
   * Writes out every point appended before the call (and any appended while earlier write-outs
   * finish); rejects if some could not be written, which then stay buffered for the next write-out.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // One waiting at most: it takes the buffer when it starts, so it covers later calls too.
    if (this.queued) return this.queued;
    const run = this.writing.then(() => {
      this.queued = undefined;
      return this.writeOut();
    });
    this.queued = run;
    this.writing = run.catch(() => undefined);
    return run;
  }

  private flushInBackground(): void {
    this.flush().catch((err: unknown) => this.writeBehind.onError?.(err));
  }

  private async writeOut(): Promise<void> {
    if (this.buffer.size === 0) return;
    const out: WriteOut = { points: this.buffer, sent: false, done: Promise.resolve() };
    this.buffer = new Map();
    this.bufferedPoints = 0;
    this.writeOuts.push(out);
    try {
      const calls = await Promise.all([...out.points].map(([id, points]) => this.encode(id, points)));
      // Every call issued in this one synchronous step: reads issued before see none of them (and
      // count them as pending), reads issued after find them all in Redis.
      out.sent = true;
      const results = calls.flat().map((c) => APPEND.run(this.redis, c.keys, c.args));
      out.done = Promise.allSettled(results);
      const settled = await Promise.allSettled(results);
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (err) {
      this.putBack(out);
      throw err;
    } finally {
      this.writeOuts.splice(this.writeOuts.indexOf(out), 1);
    }
  }

  /**
   * A failed write-out's points go back ahead of newer ones. A resident whose call went through is
   * written again (its script is atomic, so either all its points are in or none): duplicates by a
   * retry are what a reply lost with the connection would give anyway, and reads dedupe nothing.
   */
  private putBack(out: WriteOut): void {
    for (const [id, points] of out.points) {
      const newer = this.buffer.get(id) ?? [];
      this.buffer.set(id, [...points, ...newer]);
      this.bufferedPoints += points.length;
    }
    if (this.buffer.size > 0) this.scheduleFlush();
  }

  /**
   * One resident's script calls: sealed points, and the newest value per latest field, sealed
   * together once, or not at all when they all come from one point (its sealed JSON serves both).
   */
  private async encode(residentId: string, points: VitalsPoint[]) {
    const s = this.sealer;
    const scope = s ? await s.residentScope(residentId) : '';
    const seal = (field: string, v: unknown) =>
      s ? s.seal(scope, { kind: 'vitals', id: residentId, field }, v) : toJson(v);
    const keys = [this.history(residentId), this.latestKey(residentId)];
    const calls: { keys: string[]; args: (string | number)[] }[] = [];
    for (let at = 0; at < points.length; at += POINTS_PER_CALL) {
      const chunk = points.slice(at, at + POINTS_PER_CALL);
      const sealed = await Promise.all(chunk.map((p) => seal('point', p)));
      const newest = newestPerField(chunk);
      const sources = new Set([...newest.values()].map((e) => e.from));
      let shared = '';
      if (s && newest.size > 0) {
        const [only] = sources;
        shared =
          sources.size === 1 && only !== undefined
            ? `p|${sealed[only]}`
            : `l|${await seal('latest', Object.fromEntries([...newest].map(([f, e]) => [f, e.v])))}`;
      }
      const args: (string | number)[] = [chunk.length, this.capacityPerResident, shared];
      for (const [i, p] of chunk.entries()) args.push(String(p.ts), sealed[i] as string);
      for (const [f, { v, ts }] of newest) args.push(f, String(ts), s ? '' : toJson(v));
      calls.push({ keys, args });
    }
    return calls;
  }

  /**
   * Runs `read` (which must issue its commands at once) with the resident's points not yet in Redis:
   * write-outs already on the connection are waited for first, so no point is counted twice.
   */
  private async withPending<T>(
    residentId: string,
    read: (pending: VitalsPoint[]) => Promise<T>,
  ): Promise<[T, VitalsPoint[]]> {
    for (;;) {
      const sent = this.writeOuts.find((w) => w.sent && w.points.has(residentId));
      if (!sent) break;
      await sent.done;
    }
    const pending: VitalsPoint[] = [];
    for (const w of this.writeOuts) pending.push(...(w.points.get(residentId) ?? []));
    pending.push(...(this.buffer.get(residentId) ?? []));
    return [await read(pending), pending];
  }

  private decode(residentId: string, field: string, raw: string): Promise<unknown> | unknown {
    return this.sealer ? this.sealer.open({ kind: 'vitals', id: residentId, field }, raw) : JSON.parse(raw);
  }

  async latest(residentId: string): Promise<LatestVitals | undefined> {
    const [h, pending] = await this.withPending(residentId, () => this.redis.hgetall(this.latestKey(residentId)));
    let stored: LatestVitals | undefined;
    if (h[COUNT] !== undefined) {
      stored = { residentId, values: {} };
      // A shared object opened once, however many fields refer to it.
      const objects = new Map<string, Promise<Record<string, unknown> | undefined>>();
      const shared = (name: string) => {
        let opened = objects.get(name);
        if (!opened) {
          opened = this.openShared(residentId, h[name]);
          objects.set(name, opened);
        }
        return opened;
      };
      for (const f of LATEST_FIELDS) {
        const raw = h[f];
        if (raw === undefined) continue;
        const v = raw.startsWith('@') ? (await shared(raw.slice(1)))?.[f] : await this.decode(residentId, f, raw);
        if (v !== undefined) setLatest(stored, f, { v, ts: Number(h[`${f}:ts`]) });
      }
    }
    return withPendingLatest(residentId, stored, pending);
  }

  /** A write-out's shared latest values: a point's sealed JSON (`p|`) or their own object (`l|`). */
  private async openShared(residentId: string, raw: string | undefined): Promise<Record<string, unknown> | undefined> {
    if (raw === undefined) return undefined;
    const field = raw.startsWith('p|') ? 'point' : 'latest';
    return (await this.decode(residentId, field, raw.slice(2))) as Record<string, unknown>;
  }

  /**
   * Retention by device time, after writing out what is buffered (a sweep is rare, and this way the
   * count is Redis's); the latest hash stays (it is one small hash per resident).
   */
  async trimBefore(residentId: string, before: number): Promise<number> {
    await this.flush();
    return this.redis.zremrangebyscore(this.history(residentId), '-inf', `(${before}`);
  }

  /**
   * Drops the resident's buffered points, waits out any write-out that holds some (a failed one puts
   * them back, dropped again), then deletes the history and the latest hash.
   */
  async erase(residentId: string): Promise<void> {
    for (;;) {
      const buffered = this.buffer.get(residentId);
      if (buffered) {
        this.buffer.delete(residentId);
        this.bufferedPoints -= buffered.length;
      }
      if (!this.writeOuts.some((w) => w.points.has(residentId))) break;
      // The chain's tail: every write-out under way or queued has finished (it never rejects).
      await this.writing;
    }
    await this.redis.del(this.history(residentId), this.latestKey(residentId));
  }

  async range(residentId: string, from: number, to: number): Promise<VitalsPoint[]> {
    const key = this.history(residentId);
    const [[members, count, head], pending] = await this.withPending(residentId, (pending) =>
      Promise.all([
        this.redis.zrangebyscore(key, bound(from), bound(to), 'WITHSCORES'),
        // Only with points pending: what their write-out would drop for capacity (no more than them).
        pending.length === 0 ? 0 : this.redis.zcard(key),
        pending.length === 0 ? [] : this.redis.zrange(key, 0, pending.length - 1, 'WITHSCORES'),
      ]),
    );
    const evicted = evictedByPending(count, pairs(head), pending, this.capacityPerResident);
    const stored = await Promise.all(
      pairs(members)
        .filter((m) => !evicted.members.has(m.member))
        .map(async (m) => ({
          ts: m.ts,
          point: (await this.decode(residentId, 'point', m.member.slice(m.member.indexOf('|') + 1))) as VitalsPoint,
        })),
    );
    const kept = pending.filter((_, i) => !evicted.pending.has(i));
    return mergeRange(stored, kept, from, to);
  }
}

/** `[member, score, member, score, …]` (WITHSCORES) as members with their device times. */
function pairs(flat: string[]): { member: string; ts: number }[] {
  const out: { member: string; ts: number }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ member: flat[i] as string, ts: Number(flat[i + 1]) });
  return out;
}
