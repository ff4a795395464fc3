import type { VitalsPoint } from '../types.ts';

/**
 * One resident's vitals history as rows of numbers in a single Float64Array, in device-time order.
 *
 * Why not an array of point objects: at 10,000 wearables the embedded default holds about a million
 * points, each an object that lives for minutes, so each is promoted to the old generation and every
 * full collection marks all of them (measured: a million point objects, 144 MB of heap, 90–260 ms per
 * full GC on this machine, paid as PUBACK and SOS latency). A typed array is one object to the
 * collector however many rows it holds.
 *
 * Row layout: time, the numeric vitals (NaN = not in this reading), then one number packing the three
 * categorical fields. Rows live in `[start, start + length)`; dropping old rows moves `start`, and the
 * rows are moved back to the front only when the end of the buffer is reached.
 */
const NUMERIC = ['hr', 'spo2', 'rr', 'sbp', 'dbp', 'temp', 'battery', 'steps'] as const;
const TS = 0;
const FLAGS = 1 + NUMERIC.length;
const WIDTH = FLAGS + 1;
const MIN_ROWS = 16;

/**
 * Consciousness levels seen so far (ACVPU letters; the device schema admits nothing else), coded 1…n
 * in the flags number; 0 = absent.
 */
const levels: string[] = [];
const levelCode = new Map<string, number>();
function codeOf(level: string): number {
  let code = levelCode.get(level);
  if (code === undefined) {
    levels.push(level);
    code = levels.length;
    levelCode.set(level, code);
  }
  return code;
}

/** A boolean in two bits: 0 absent, 1 false, 2 true. */
const bool = (b: boolean | undefined) => (b === undefined ? 0 : b ? 2 : 1);
const unbool = (bits: number) => (bits === 0 ? undefined : bits === 2);

export class VitalsSeries {
  private rows = new Float64Array(MIN_ROWS * WIDTH);
  private start = 0;
  length = 0;

  private capacity(): number {
    return this.rows.length / WIDTH;
  }

  /** Inserts at its place by device time (late points from store-and-forward go before newer ones). */
  insert(p: VitalsPoint): void {
    this.reserveOne();
    // Mostly in order: search back from the end.
    let i = this.length;
    while (i > 0 && this.tsAt(i - 1) > p.ts) i--;
    const at = (this.start + i) * WIDTH;
    const end = (this.start + this.length) * WIDTH;
    if (at < end) this.rows.copyWithin(at + WIDTH, at, end);
    const r = this.rows;
    r[at + TS] = p.ts;
    for (let k = 0; k < NUMERIC.length; k++) r[at + 1 + k] = p[NUMERIC[k]!] ?? Number.NaN;
    const level = p.consciousness === undefined ? 0 : codeOf(p.consciousness);
    r[at + FLAGS] = level | (bool(p.onOxygen) << 8) | (bool(p.worn) << 10);
    this.length++;
  }

  tsAt(i: number): number {
    return this.rows[(this.start + i) * WIDTH + TS]!;
  }

  /** Drops the oldest rows beyond `max`; gives memory back when far more is held than needed. */
  keepNewest(max: number): void {
    if (this.length > max) this.dropOldest(this.length - max);
    if (this.capacity() > Math.max(MIN_ROWS, 4 * max)) this.resize(Math.max(MIN_ROWS, 2 * max));
  }

  dropOldest(n: number): void {
    const k = Math.min(n, this.length);
    this.start += k;
    this.length -= k;
    if (this.length === 0) this.start = 0;
  }

  /** How many rows have device time before `ts` (they are the first ones). */
  countBefore(ts: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tsAt(mid) < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The points with `from ≤ ts ≤ to`, as fresh objects with only the fields the reading had. */
  range(from: number, to: number): VitalsPoint[] {
    const out: VitalsPoint[] = [];
    for (let i = this.countBefore(from); i < this.length; i++) {
      const at = (this.start + i) * WIDTH;
      const ts = this.rows[at + TS]!;
      if (ts > to) break;
      out.push(this.pointAt(at, ts));
    }
    return out;
  }

  private pointAt(at: number, ts: number): VitalsPoint {
    const r = this.rows;
    const p: VitalsPoint = { ts };
    for (let k = 0; k < NUMERIC.length; k++) {
      const v = r[at + 1 + k]!;
      if (!Number.isNaN(v)) p[NUMERIC[k]!] = v;
    }
    const flags = r[at + FLAGS]!;
    const level = flags & 0xff;
    if (level !== 0) p.consciousness = levels[level - 1]!;
    const onOxygen = unbool((flags >> 8) & 3);
    if (onOxygen !== undefined) p.onOxygen = onOxygen;
    const worn = unbool((flags >> 10) & 3);
    if (worn !== undefined) p.worn = worn;
    return p;
  }

  /** Room for one more row at the end: move the rows to the front, or grow. */
  private reserveOne(): void {
    if (this.start + this.length < this.capacity()) return;
    // With an eighth or more free at the front, moving the rows there costs at most 8 row copies per
    // insert, amortised, and keeps the buffer close to the resident's share; otherwise double.
    if (this.start >= this.capacity() / 8) {
      this.rows.copyWithin(0, this.start * WIDTH, (this.start + this.length) * WIDTH);
      this.start = 0;
    } else {
      this.resize(Math.max(MIN_ROWS, 2 * this.capacity()));
    }
  }

  private resize(rows: number): void {
    const next = new Float64Array(rows * WIDTH);
    next.set(this.rows.subarray(this.start * WIDTH, (this.start + this.length) * WIDTH));
    this.rows = next;
    this.start = 0;
  }
}
