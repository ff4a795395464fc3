import { parseArgs } from 'node:util';

export const TARGETS = ['bare', 'embedded', 'redis'] as const;
export type TargetName = (typeof TARGETS)[number];

export interface BenchOptions {
  devices: number;
  rateHz: number;
  seconds: number;
  /** SOS presses during the steady phase, at known times from distinct devices. */
  sos: number;
  /** Caregiver board sockets listening for alerts (at least one is needed to time SOS → board). */
  sockets: number;
  /** Residents whose live vitals each socket watches, as a board's tiles do (0: alerts only). */
  watch: number;
  targets: TargetName[];
  /** Fleet driver processes; 0 picks (fleetProcesses). */
  workers: number;
  /** CONNECTs in flight per fleet process. */
  connectConcurrency: number;
  /** REST requests in flight while provisioning and reading counters. */
  restConcurrency: number;
  /** Longest wait, after the last publish, for the PUBACKs still owed. */
  drainSeconds: number;
  /** Engine processes of the Redis target. */
  engines: number;
  json: string | undefined;
}

export const USAGE = `pnpm bench [flags]: a device fleet in separate processes against each target, side by side

  --devices N        wearables (default 2000)
  --rate HZ          vitals samples per device per second (default 2)
  --seconds T        steady phase (default 30)
  --sos K            SOS presses at known times during it (default 10)
  --sockets M        caregiver board sockets (default 1)
  --watch W          residents whose live vitals each socket watches (default 0)
  --targets LIST     of bare,embedded,redis (default all three)
  --engines E        engine processes of the redis target (default 2)
  --workers P        fleet processes (default: one per 12,000 messages/s and 15,000 devices)
  --connect-concurrency C   CONNECTs in flight per fleet process (default 250)
  --rest-concurrency C      REST requests in flight (default 16)
  --drain S          longest wait for owed PUBACKs after the last publish (default 30)
  --json PATH        where the JSON report goes (default: a temp dir)`;

type Parsed = { ok: true; options: BenchOptions } | { ok: false; problems: string[] };

/** Flags to options, every problem reported together (as config.ts does for the environment). */
export function parseFlags(argv: readonly string[]): Parsed {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        devices: { type: 'string' },
        rate: { type: 'string' },
        seconds: { type: 'string' },
        sos: { type: 'string' },
        sockets: { type: 'string' },
        watch: { type: 'string' },
        targets: { type: 'string' },
        engines: { type: 'string' },
        workers: { type: 'string' },
        'connect-concurrency': { type: 'string' },
        'rest-concurrency': { type: 'string' },
        drain: { type: 'string' },
        json: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    return { ok: false, problems: [(err as Error).message] };
  }
  if (values.help) return { ok: false, problems: [] };
  const problems: string[] = [];
  const num = (name: string, fallback: number, min: number, integer = true): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      problems.push(`--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${String(raw)}`);
      return fallback;
    }
    return n;
  };
  const targets = String(values.targets ?? TARGETS.join(','))
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  for (const t of targets)
    if (!(TARGETS as readonly string[]).includes(t))
      problems.push(`--targets: unknown target ${t} (${TARGETS.join(', ')})`);
  if (targets.length === 0) problems.push('--targets: name at least one target');
  const options: BenchOptions = {
    devices: num('devices', 2000, 1),
    rateHz: num('rate', 2, 0.01, false),
    seconds: num('seconds', 30, 1, false),
    sos: num('sos', 10, 0),
    sockets: num('sockets', 1, 0),
    watch: num('watch', 0, 0),
    targets: [...new Set(targets)] as TargetName[],
    engines: num('engines', 2, 1),
    workers: num('workers', 0, 0),
    connectConcurrency: num('connect-concurrency', 250, 1),
    restConcurrency: num('rest-concurrency', 16, 1),
    drainSeconds: num('drain', 30, 0, false),
    json: typeof values.json === 'string' ? values.json : undefined,
  };
  if (options.sos > options.devices) problems.push(`--sos ${options.sos} exceeds --devices ${options.devices}`);
  if (options.watch > options.devices) problems.push(`--watch ${options.watch} exceeds --devices ${options.devices}`);
  return problems.length ? { ok: false, problems } : { ok: true, options };
}

/**
 * Fleet processes unless told: one, up to 12,000 publishes/s (about 60 µs of CPU each with mqtt.js:
 * 70 % of a core) and 15,000 connections (file descriptors: `ulimit -n` is often 20,000). More is not
 * better on a small machine: against the bare broker at 10,000 × 1 Hz on 2 cores, two fleet processes
 * gave PUBACK p50 0.8–1.4 s where one gave 20–28 ms, the extra process fighting the target for a core.
 */
export function fleetProcesses(o: Pick<BenchOptions, 'devices' | 'rateHz' | 'workers'>): number {
  const n =
    o.workers > 0 ? o.workers : Math.max(Math.ceil(o.devices / 15_000), Math.ceil((o.devices * o.rateHz) / 12_000));
  return Math.max(1, Math.min(n, o.devices));
}
