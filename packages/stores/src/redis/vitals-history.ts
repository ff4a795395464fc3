import type { LatestVitals, VitalsHistory, VitalsPoint } from '../types.ts';
import { vitalsKeys } from './key-layout.ts';
import { type Keys, LuaScript, toJson, type RedisClient } from './script.ts';
import type { Sealer } from './sealer.ts';

const NUMERIC = ['hr', 'spo2', 'rr', 'sbp', 'dbp', 'temp', 'battery', 'steps'] as const;
const LATEST_FIELDS = [...NUMERIC, 'consciousness', 'onOxygen', 'worn'] as const;
const isNumeric = (f: string) => (NUMERIC as readonly string[]).includes(f);
/** Field of the latest hash counting appends: it orders equal timestamps and marks a known resident. */
const COUNT = '_n';

/**
 * One point into the bounded history and the latest hash, atomically.
 * History: a sorted set scored by device time; members are `<16-digit append count>|<JSON>`, unique
 * and, for equal timestamps, in arrival order (a late store-and-forward point lands at its place, as in
 * the memory ring). Beyond `capacity` the oldest by device time are dropped.
 * Latest: `<field>` = JSON value and `<field>:ts`, replaced only by a point at least as recent.
 * KEYS: history, latest; ARGV: ts, point JSON, capacity, then field / JSON value pairs.
 */
const APPEND = new LuaScript(`
local n = redis.call('HINCRBY', KEYS[2], '${COUNT}', 1)
redis.call('ZADD', KEYS[1], ARGV[1], string.format('%016d', n) .. '|' .. ARGV[2])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1) end
local ts = tonumber(ARGV[1])
for i = 4, #ARGV, 2 do
  local prev = redis.call('HGET', KEYS[2], ARGV[i] .. ':ts')
  if not prev or tonumber(prev) <= ts then
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1], ARGV[i] .. ':ts', ARGV[1])
  end
end
return n
`);

/** A score bound as Redis spells it (`-inf` / `+inf` for unbounded ranges). */
const bound = (n: number) =>
  n === Number.NEGATIVE_INFINITY ? '-inf' : n === Number.POSITIVE_INFINITY ? '+inf' : String(n);

/**
 * Vitals history in Redis until the TSDB of issue 5 lands: `{r:<residentId>}:vitals` (sorted set,
 * bounded to `capacityPerResident` points) and `{r:<residentId>}:vitals:latest` (hash). With encryption on, each
 * point's JSON and each latest value are sealed with the resident's facility DEK; device times (scores
 * and `<field>:ts`) stay plain, as the scripts order and compare by them.
 */
export class RedisVitalsHistory implements VitalsHistory {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly capacityPerResident = 20_000,
    private readonly sealer?: Sealer,
  ) {}

  private history(residentId: string) {
    return vitalsKeys(this.keys, residentId).history;
  }
  private latestKey(residentId: string) {
    return vitalsKeys(this.keys, residentId).latest;
  }

  async append(residentId: string, point: VitalsPoint) {
    const s = this.sealer;
    const scope = s ? await s.residentScope(residentId) : '';
    const encode = (field: string, v: unknown) =>
      s ? s.seal(scope, { kind: 'vitals', id: residentId, field }, v) : toJson(v);
    const args: (string | number)[] = [String(point.ts), await encode('point', point), this.capacityPerResident];
    for (const f of LATEST_FIELDS) {
      const v = point[f];
      if (v !== undefined) args.push(f, await encode(f, v));
    }
    await APPEND.run(this.redis, [this.history(residentId), this.latestKey(residentId)], args);
  }

  private decode(residentId: string, field: string, raw: string): Promise<unknown> | unknown {
    return this.sealer ? this.sealer.open({ kind: 'vitals', id: residentId, field }, raw) : JSON.parse(raw);
  }

  async latest(residentId: string): Promise<LatestVitals | undefined> {
    const h = await this.redis.hgetall(this.latestKey(residentId));
    if (h[COUNT] === undefined) return undefined;
    const out: LatestVitals = { residentId, values: {} };
    for (const f of LATEST_FIELDS) {
      const raw = h[f];
      if (raw === undefined) continue;
      const entry = { v: await this.decode(residentId, f, raw), ts: Number(h[`${f}:ts`]) };
      if (isNumeric(f)) Object.assign(out.values, { [f]: entry });
      else Object.assign(out, { [f]: entry });
    }
    return out;
  }

  /** Retention by device time; the latest hash stays (it is one small hash per resident). */
  async trimBefore(residentId: string, before: number): Promise<number> {
    return this.redis.zremrangebyscore(this.history(residentId), '-inf', `(${before}`);
  }

  async range(residentId: string, from: number, to: number): Promise<VitalsPoint[]> {
    const members = await this.redis.zrangebyscore(this.history(residentId), bound(from), bound(to));
    return Promise.all(
      members.map(async (m) => (await this.decode(residentId, 'point', m.slice(m.indexOf('|') + 1))) as VitalsPoint),
    );
  }
}
