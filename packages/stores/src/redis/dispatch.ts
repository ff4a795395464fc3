import { randomUUID } from 'node:crypto';
import type { SlaWarning, Task } from '@vigil/contracts';
import type {
  Deadline,
  DeadlineStore,
  PageQuery,
  SlaWarningFilter,
  SlaWarningStore,
  TaskFilter,
  TaskStore,
} from '../types.ts';
import { SlaWarningPages, TaskPages } from './dispatch-pages.ts';
import { deadlineKeys, taskKeys } from './key-layout.ts';
import { fromJson, type Keys, LuaScript, toJson, type RedisClient } from './script.ts';
import type { Sealer } from './sealer.ts';

const ACTIVE = new Set(['assigned', 'accepted', 'in_progress']);

/**
 * `{tasks}`: id → JSON, with two indexes so the hot lookups do not read (and, encrypted, open) every
 * task ever stored: `{tasks}:alert:<alertId>` (the ids of an alert's tasks: dispatch on every alert
 * event, delivery receipts) and `{tasks}:active` (assigned, accepted or in progress: staff load,
 * emergency access). Both may hold more ids than they should (a backfill racing a write), never
 * fewer: `list` still applies every filter to the bodies it reads. Other lists read all tasks and are
 * filtered and sorted here, as in memory. With encryption on, the body (its `context` holds a vitals
 * snapshot and NEWS2) is sealed with the facility's DEK.
 */
export class RedisTaskStore implements TaskStore {
  private readonly key: string;
  private readonly activeKey: string;
  private readonly indexedKey: string;
  private readonly alertKey: (alertId: string) => string;
  /** Paging and retention indexes (issue 12 "bounded state"). */
  private readonly pages: TaskPages;
  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    private readonly sealer?: Sealer,
  ) {
    const k = taskKeys(keys);
    this.key = k.bodies;
    this.activeKey = k.active;
    this.indexedKey = k.indexed;
    this.alertKey = k.ofAlert;
    this.pages = new TaskPages(redis, keys, this.key, { load: (ids) => this.load(ids) }, (t) => [
      this.activeKey,
      ...(t.alertId === undefined ? [] : [this.alertKey(t.alertId)]),
    ]);
  }
  private async load(ids: string[]): Promise<(Task | undefined)[]> {
    const raw = await this.redis.hmget(this.key, ...ids);
    return Promise.all(ids.map((id, i) => this.decode(id, raw[i])));
  }
  page(f: TaskFilter, query: PageQuery) {
    return this.pages.page(f, query);
  }
  removeFinishedBefore(before: number, limit: number) {
    return this.pages.removeFinishedBefore(before, limit);
  }
  private decode(id: string, raw: string | null | undefined) {
    return this.sealer ? this.sealer.open<Task>({ kind: 'task', id, field: 'body' }, raw) : fromJson<Task>(raw);
  }
  async put(task: Task) {
    const body = this.sealer
      ? await this.sealer.seal(task.facilityId, { kind: 'task', id: task.id, field: 'body' }, task)
      : toJson(task);
    await this.pages.write(task);
    const tx = this.redis.multi().hset(this.key, task.id, body);
    if (task.alertId !== undefined) tx.sadd(this.alertKey(task.alertId), task.id);
    if (ACTIVE.has(task.state)) tx.sadd(this.activeKey, task.id);
    else tx.srem(this.activeKey, task.id);
    await execOrThrow(tx);
  }
  async get(id: string) {
    return this.decode(id, await this.redis.hget(this.key, id));
  }

  /**
   * Builds the indexes over tasks stored before they existed (once per deployment; `tasks:indexed`
   * marks it done; `tasks:paged` the page indexes). Idempotent, so processes starting together may
   * all run it.
   */
  async backfillIndexes(): Promise<void> {
    await this.pages.backfill(() => this.list());
    if ((await this.redis.exists(this.indexedKey)) === 1) return;
    for (const t of await this.read(await this.redis.hgetall(this.key))) {
      const tx = this.redis.multi();
      if (t.alertId !== undefined) tx.sadd(this.alertKey(t.alertId), t.id);
      if (ACTIVE.has(t.state)) tx.sadd(this.activeKey, t.id);
      await execOrThrow(tx);
    }
    await this.redis.set(this.indexedKey, '1');
  }

  async list(f: TaskFilter = {}) {
    const out: Task[] = [];
    for (const t of await this.read(await this.candidates(f))) {
      if (f.facilityId !== undefined && t.facilityId !== f.facilityId) continue;
      if (f.facilityIds !== undefined && !f.facilityIds.includes(t.facilityId)) continue;
      if (f.state === 'active' ? !ACTIVE.has(t.state) : f.state !== undefined && t.state !== f.state) continue;
      if (f.assigneeId !== undefined && t.assigneeId !== f.assigneeId) continue;
      if (f.alertId !== undefined && t.alertId !== f.alertId) continue;
      if (f.kind !== undefined && t.kind !== f.kind) continue;
      out.push(t);
    }
    return out.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** Bodies by id: through an index where the filter allows, else every task. */
  private async candidates(f: TaskFilter): Promise<Record<string, string>> {
    const index =
      f.alertId !== undefined ? this.alertKey(f.alertId) : f.state === 'active' ? this.activeKey : undefined;
    if (index === undefined) return this.redis.hgetall(this.key);
    const ids = await this.redis.smembers(index);
    if (ids.length === 0) return {};
    const bodies = await this.redis.hmget(this.key, ...ids);
    const out: Record<string, string> = {};
    ids.forEach((id, i) => {
      const body = bodies[i];
      if (body !== null && body !== undefined) out[id] = body;
    });
    return out;
  }

  private async read(bodies: Record<string, string>): Promise<Task[]> {
    const tasks = await Promise.all(Object.entries(bodies).map(([id, raw]) => this.decode(id, raw)));
    return tasks.filter((t): t is Task => t !== undefined);
  }
}

async function execOrThrow(tx: ReturnType<RedisClient['multi']>): Promise<void> {
  for (const [err] of (await tx.exec()) ?? []) if (err) throw err;
}

/*
 * Deadlines (issue 4 "durable deadlines"; architecture.md "Durable timers"), one hash tag:
 *   {deadlines}           id → JSON of the deadline as scheduled, without dueAt, attempts and claim
 *   {deadlines}:due       sorted set id → dueAt (pushed to now + lease while claimed)
 *   {deadlines}:attempts  id → claims so far
 *   {deadlines}:claim     id → token of the current claim
 *   {deadlines}:order     insertion order for `list`, counter {deadlines}:n
 */

/** KEYS: bodies, due, attempts, claims, order, counter; ARGV: id, JSON, dueAt. */
const SCHEDULE = new LuaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], 0)
redis.call('HDEL', KEYS[4], ARGV[1])
if not redis.call('ZSCORE', KEYS[5], ARGV[1]) then
  redis.call('ZADD', KEYS[5], redis.call('INCR', KEYS[6]), ARGV[1])
end
return 1
`);

/**
 * The atomic claim (DeadlineStore.claimDue): picks the due ids earliest first, bumps attempts, sets a
 * fresh claim token and hides each until now + lease, all in one script, so two workers in two
 * processes never get the same deadline. Returns groups of id, JSON, dueAt, attempts, claim.
 * KEYS: due, bodies, attempts, claims; ARGV: now, limit, leaseMs, a token unique to this call.
 */
const CLAIM_DUE = new LuaScript(`
local limit = tonumber(ARGV[2])
if limit == 0 then return {} end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, limit)
local leaseEnd = string.format('%.17g', tonumber(ARGV[1]) + tonumber(ARGV[3]))
local out = {}
for i = 1, #due, 2 do
  local id = due[i]
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    local attempts = redis.call('HINCRBY', KEYS[3], id, 1)
    local claim = ARGV[4] .. '.' .. ((i + 1) / 2)
    redis.call('HSET', KEYS[4], id, claim)
    redis.call('ZADD', KEYS[1], leaseEnd, id)
    out[#out + 1] = id
    out[#out + 1] = body
    out[#out + 1] = due[i + 1]
    out[#out + 1] = attempts
    out[#out + 1] = claim
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`);

/** Compare-and-delete (DeadlineStore.done): only the current claim's holder removes the deadline. */
const DONE = new LuaScript(`
if redis.call('HGET', KEYS[4], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return 1
`);

/** Every deadline in insertion order, as groups of JSON, dueAt, attempts, claim. */
const LIST = new LuaScript(`
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    out[#out + 1] = body
    out[#out + 1] = redis.call('ZSCORE', KEYS[3], id)
    out[#out + 1] = redis.call('HGET', KEYS[4], id)
    out[#out + 1] = redis.call('HGET', KEYS[5], id)
  end
end
return out
`);

type Body = Omit<Deadline, 'dueAt' | 'attempts' | 'claim'>;

function toDeadline(body: string, dueAt: string | null, attempts: string | number | null, claim: string | null) {
  const d: Deadline = { ...(JSON.parse(body) as Body), dueAt: Number(dueAt), attempts: Number(attempts ?? 0) };
  if (claim !== null) d.claim = claim;
  return d;
}

export class RedisDeadlineStore implements DeadlineStore {
  private readonly bodies: string;
  private readonly due: string;
  private readonly attempts: string;
  private readonly claims: string;
  private readonly order: string;
  private readonly counter: string;
  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
  ) {
    ({
      bodies: this.bodies,
      due: this.due,
      attempts: this.attempts,
      claims: this.claims,
      order: this.order,
      counter: this.counter,
    } = deadlineKeys(keys));
  }

  async schedule(d: Deadline) {
    const { dueAt, attempts: _attempts, claim: _claim, ...body } = d;
    await SCHEDULE.run(
      this.redis,
      [this.bodies, this.due, this.attempts, this.claims, this.order, this.counter],
      [d.id, toJson(body), String(dueAt)],
    );
  }

  async cancel(id: string) {
    await this.redis
      .multi()
      .zrem(this.due, id)
      .hdel(this.bodies, id)
      .hdel(this.attempts, id)
      .hdel(this.claims, id)
      .zrem(this.order, id)
      .exec();
  }

  async get(id: string) {
    const replies =
      (await this.redis
        .multi()
        .hget(this.bodies, id)
        .zscore(this.due, id)
        .hget(this.attempts, id)
        .hget(this.claims, id)
        .exec()) ?? [];
    for (const r of replies) if (r[0]) throw r[0];
    const [body, dueAt, attempts, claim] = replies.map((r) => (r[1] as string | null | undefined) ?? null);
    return body ? toDeadline(body, dueAt ?? null, attempts ?? null, claim ?? null) : undefined;
  }

  async claimDue(now: number, limit: number, leaseMs: number) {
    // LIMIT 0 -1 is "all" to Redis; memory slices to `max(0, limit)`.
    const count = limit === Number.POSITIVE_INFINITY ? -1 : Math.max(0, Math.floor(limit));
    const raw = (await CLAIM_DUE.run(
      this.redis,
      [this.due, this.bodies, this.attempts, this.claims],
      [String(now), String(count), String(leaseMs), randomUUID()],
    )) as (string | number)[];
    const out: Deadline[] = [];
    for (let i = 0; i < raw.length; i += 5) {
      out.push(toDeadline(String(raw[i + 1]), String(raw[i + 2]), raw[i + 3] ?? 1, String(raw[i + 4])));
    }
    return out;
  }

  async done(id: string, claim: string) {
    await DONE.run(this.redis, [this.due, this.bodies, this.attempts, this.claims, this.order], [id, claim]);
  }

  async list(f: { facilityId?: string } = {}) {
    const raw = (await LIST.run(this.redis, [this.order, this.bodies, this.due, this.attempts, this.claims])) as (
      | string
      | null
    )[];
    const out: Deadline[] = [];
    for (let i = 0; i < raw.length; i += 4) {
      const d = toDeadline(raw[i] ?? '{}', raw[i + 1] ?? null, raw[i + 2] ?? null, raw[i + 3] ?? null);
      if (f.facilityId === undefined || d.facilityId === f.facilityId) out.push(d);
    }
    return out;
  }
}

/**
 * `sla-warnings`: id → JSON; lists filtered and sorted by raisedAt here, as in memory. With encryption
 * on, the body is sealed: an unacknowledged-alert warning's `detail` quotes the alert title, which
 * carries the vital value ("Heart rate high: 187 bpm").
 */
export class RedisSlaWarningStore implements SlaWarningStore {
  private readonly key: string;
  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    private readonly sealer?: Sealer,
  ) {
    // Tagged: a warning's body is written in one MULTI with its page indexes (dispatch-pages.ts).
    this.key = keys.tagged('sla-warnings');
    this.pages = new SlaWarningPages(redis, keys, this.key, {
      load: async (ids) => {
        const raw = await this.redis.hmget(this.key, ...ids);
        return Promise.all(ids.map((id, i) => this.decode(id, raw[i])));
      },
    });
  }
  /** Paging and retention index (issue 12 "bounded state"). */
  private readonly pages: SlaWarningPages;
  page(f: SlaWarningFilter, query: PageQuery) {
    return this.pages.page(f, query);
  }
  removeBefore(before: number, limit: number) {
    return this.pages.removeBefore(before, limit);
  }
  /** Indexes the warnings stored before the page index existed (once per deployment; idempotent). */
  backfillIndexes(): Promise<void> {
    return this.pages.backfill(() => this.list());
  }
  private decode(id: string, raw: string | null | undefined) {
    return this.sealer
      ? this.sealer.open<SlaWarning>({ kind: 'sla-warning', id, field: 'body' }, raw)
      : fromJson<SlaWarning>(raw);
  }
  async put(w: SlaWarning) {
    const body = this.sealer
      ? await this.sealer.seal(w.facilityId, { kind: 'sla-warning', id: w.id, field: 'body' }, w)
      : toJson(w);
    await this.pages.write(w);
    await this.redis.hset(this.key, w.id, body);
  }
  async get(id: string) {
    return this.decode(id, await this.redis.hget(this.key, id));
  }
  async list(f: SlaWarningFilter = {}) {
    const out: SlaWarning[] = [];
    const all = await this.redis.hgetall(this.key);
    const warnings = await Promise.all(Object.entries(all).map(([id, raw]) => this.decode(id, raw)));
    for (const w of warnings) {
      if (w === undefined) continue;
      const at = Date.parse(w.raisedAt);
      if (f.facilityId !== undefined && w.facilityId !== f.facilityId) continue;
      if (f.facilityIds !== undefined && !f.facilityIds.includes(w.facilityId)) continue;
      if (f.from !== undefined && at < f.from) continue;
      if (f.to !== undefined && at > f.to) continue;
      if (f.staffId !== undefined && w.staffId !== f.staffId) continue;
      if (f.kind !== undefined && w.kind !== f.kind) continue;
      out.push(w);
    }
    return out.sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt) || a.id.localeCompare(b.id));
  }
}
