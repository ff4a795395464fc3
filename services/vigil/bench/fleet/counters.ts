import { mapPool } from './pool.ts';
import type { RestClient } from './rest.ts';

/**
 * The ingest's own per-device counters (contract §1.4, `GET /api/devices/{id}`): what the platform
 * says it accepted, counted as duplicates or rejected. A PUBACK need not mean processed (a log-first
 * pipeline acknowledges once a message is in its log and applies it later), so `lost` and `accepted/s`
 * come from these, not from the PUBACKs.
 */

export interface CounterTotals {
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
}

type Counters = { counters: { accepted: number; duplicates: number; rejected: Record<string, number> } };

const counted = (c: Counters['counters']) =>
  c.accepted + c.duplicates + Object.values(c.rejected).reduce((s, n) => s + n, 0);

/** Every device's counters, summed. One GET per device: never inside a measured window. */
export async function readCounters(
  rest: RestClient,
  admin: string,
  deviceIds: readonly string[],
  concurrency: number,
): Promise<CounterTotals> {
  const totals: CounterTotals = { accepted: 0, duplicates: 0, rejected: 0, rejectedByCode: {} };
  await mapPool(deviceIds, concurrency, async (id) => {
    const { counters } = await rest.call<Counters>('GET', `/api/devices/${id}`, admin);
    totals.accepted += counters.accepted;
    totals.duplicates += counters.duplicates;
    for (const [code, n] of Object.entries(counters.rejected)) {
      totals.rejected += n;
      totals.rejectedByCode[code] = (totals.rejectedByCode[code] ?? 0) + n;
    }
  });
  return totals;
}

export interface Probe {
  id: string;
  /** Messages it sent, all of which the ingest must count. */
  expected: number;
}

/** A few devices spread over the fleet (and over the partitions), whose counters stand for all. */
export function probesOf(
  devices: readonly { index: number; id: string }[],
  expected: (index: number) => number,
  count = 100,
): Probe[] {
  const step = Math.max(1, Math.floor(devices.length / count));
  return devices.filter((_, i) => i % step === 0).map((d) => ({ id: d.id, expected: expected(d.index) }));
}

export interface Counted {
  /** Every probe's messages were counted before the wait ended. */
  complete: boolean;
  /** performance.now() when the poll that found them counted (or the last one) ended. */
  at: number;
  polls: number;
}

/**
 * Waits until the ingest has counted every message of the probe devices, polling their counters (a
 * GET per probe: fifty a second costs the gateway a few % of a core) every second. One poll means
 * everything was counted by the time the PUBACKs were in. Gives up when the counts stop moving for `stallMs` or at
 * `timeoutMs`.
 */
export async function awaitCounted(
  rest: RestClient,
  admin: string,
  probes: readonly Probe[],
  opts: { timeoutMs: number; stallMs: number },
): Promise<Counted> {
  const start = performance.now();
  let lastProgressAt = start;
  let last = -1;
  const expected = probes.reduce((s, p) => s + p.expected, 0);
  for (let polls = 1; ; polls++) {
    const counts = await mapPool(probes, 16, async (p) =>
      Math.min(p.expected, counted((await rest.call<Counters>('GET', `/api/devices/${p.id}`, admin)).counters)),
    );
    const at = performance.now();
    const total = counts.reduce((s, n) => s + n, 0);
    if (total >= expected) return { complete: true, at, polls };
    if (total > last) {
      last = total;
      lastProgressAt = at;
    }
    if (at - lastProgressAt > opts.stallMs || at - start > opts.timeoutMs) return { complete: false, at, polls };
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/**
 * All counters once the probes are done; read again (every 2 s) while some messages are still not
 * counted and the counts still move, so what is reported lost is lost, not late.
 */
export async function readCountersSettled(
  rest: RestClient,
  admin: string,
  deviceIds: readonly string[],
  published: number,
  concurrency: number,
): Promise<CounterTotals> {
  const sumOf = (t: CounterTotals) => t.accepted + t.duplicates + t.rejected;
  let totals = await readCounters(rest, admin, deviceIds, concurrency);
  while (sumOf(totals) < published) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const next = await readCounters(rest, admin, deviceIds, concurrency);
    if (sumOf(next) <= sumOf(totals)) return next;
    totals = next;
  }
  return totals;
}
