import { DEFAULT_TOPIC_PREFIX } from '@vigil/contracts';
import { DeviceClient } from './device-client.ts';
import { Fleet, type FleetOptions } from './fleet.ts';
import { isScenarioName, SCENARIO_NAMES } from './scenarios/index.ts';
import { countEmission, emptyGenerated, type SimulatorStats, sumClients } from './stats.ts';
import { type Clock, type DeviceSpec, type Emission, systemClock } from './types.ts';

export interface SimulatorOptions
  extends Pick<
    FleetOptions,
    'seqStart' | 'utcOffsetMinutes' | 'sensorHeartbeatMs' | 'artefactProbability' | 'firstOnsetMs'
  > {
  /** Broker URL, e.g. `mqtt://localhost:1883`. */
  url: string;
  devices: readonly DeviceSpec[];
  /** Sample slots per device per second; may be fractional (0.2 = every 5 s). */
  ratePerSecond: number;
  seed: string | number;
  /** A scenario name (see `SCENARIO_NAMES`) or `mixed`: mostly normal, a few devices with an episode. */
  scenario: string;
  /** Stop by itself after this long; runs until `stop()` otherwise. */
  durationMs?: number;
  topicPrefix?: string;
  clock?: Clock;
  /** Start time of a dry run through `tick()`; `start()` always uses the clock. */
  startMs?: number;
  /** Scheduler period; defaults to the sample interval, at most 100 ms. */
  schedulerMs?: number;
  /** Devices connecting at once, so a large fleet does not hit the broker with one SYN storm. */
  connectConcurrency?: number;
  keepaliveS?: number;
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
}

export interface Simulator {
  /** Connects every device (failures are counted, not thrown), then publishes on real timers. */
  start(): Promise<void>;
  /** Stops publishing; every connected device publishes retained `offline` and disconnects. */
  stop(): Promise<void>;
  stats(): SimulatorStats;
  /**
   * Dry run: the emissions of every slot due up to `atMs` (simulated time), without MQTT. For tests
   * and faster-than-real-time generation; do not mix with `start()`.
   */
  tick(atMs: number): Emission[];
  /** Resolves when the simulator has stopped (after `durationMs`, or `stop()`). */
  readonly done: Promise<void>;
}

export function createSimulator(options: SimulatorOptions): Simulator {
  if (!isScenarioName(options.scenario)) {
    throw new Error(`unknown scenario "${options.scenario}"; one of: ${SCENARIO_NAMES.join(', ')}`);
  }
  if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
  const clock = options.clock ?? systemClock;
  const prefix = options.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
  const clients = new Map(
    options.devices.map((device) => [
      device.deviceId,
      new DeviceClient({
        url: options.url,
        device,
        topicPrefix: prefix,
        ...(options.keepaliveS !== undefined && { keepaliveS: options.keepaliveS }),
        ...(options.reconnectPeriodMs !== undefined && { reconnectPeriodMs: options.reconnectPeriodMs }),
        ...(options.connectTimeoutMs !== undefined && { connectTimeoutMs: options.connectTimeoutMs }),
      }),
    ]),
  );
  const generated = emptyGenerated();
  /** Per device: the reconnect in progress, so later publishes wait for it instead of being lost. */
  const pending = new Map<string, Promise<void>>();
  let fleet: Fleet | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopTimer: ReturnType<typeof setTimeout> | undefined;
  let connectFailures = 0;
  let scenarioCounts: Record<string, number> | undefined;
  let stopping: Promise<void> | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const makeFleet = (startMs: number) => new Fleet({ ...options, startMs });

  const connect = async (client: DeviceClient) => {
    try {
      await client.connect();
    } catch {
      connectFailures++;
    }
  };

  const dispatch = (e: Emission) => {
    const client = clients.get(e.deviceId);
    if (!client) return;
    const run = (): Promise<void> | undefined => {
      if (e.kind === 'publish') void client.publish(e.channel, e.payload);
      else if (e.kind === 'drop') client.drop();
      else return connect(client);
      return undefined;
    };
    const before = pending.get(e.deviceId);
    const next = before ? before.then(run) : run();
    if (next) {
      const tracked = next.finally(() => {
        if (pending.get(e.deviceId) === tracked) pending.delete(e.deviceId);
      });
      pending.set(e.deviceId, tracked);
    }
  };

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (timer) clearInterval(timer);
      if (stopTimer) clearTimeout(stopTimer);
      // Best effort on the way out: a publish that failed is counted already, and a device whose clean
      // DISCONNECT fails leaves its Last Will to say `offline`.
      await Promise.allSettled(pending.values());
      await Promise.allSettled([...clients.values()].map((c) => c.end()));
      resolveDone();
    })();
    return stopping;
  };

  return {
    done,
    async start() {
      if (timer || stopping) throw new Error('simulator already started');
      const all = [...clients.values()];
      const concurrency = options.connectConcurrency ?? 200;
      for (let i = 0; i < all.length; i += concurrency) {
        await Promise.all(all.slice(i, i + concurrency).map(connect));
      }
      fleet ??= makeFleet(clock.now());
      const f = fleet;
      const period = options.schedulerMs ?? Math.max(10, Math.min(100, f.intervalMs));
      timer = setInterval(() => {
        for (const e of f.tick(clock.now())) {
          countEmission(generated, e);
          dispatch(e);
        }
      }, period);
      if (options.durationMs !== undefined) stopTimer = setTimeout(() => void stop(), options.durationMs);
    },
    stop,
    tick(atMs) {
      fleet ??= makeFleet(options.startMs ?? clock.now());
      const emissions = fleet.tick(atMs);
      for (const e of emissions) countEmission(generated, e);
      return emissions;
    },
    stats() {
      // The draw of scenarios depends on the seed only, so a preview fleet gives the same answer.
      if (!scenarioCounts) {
        scenarioCounts = {};
        for (const g of (fleet ?? makeFleet(clock.now())).generators) {
          scenarioCounts[g.scenario] = (scenarioCounts[g.scenario] ?? 0) + 1;
        }
      }
      const scenarios = { ...scenarioCounts };
      const all = [...clients.values()];
      return {
        devices: all.length,
        connected: all.filter((c) => c.connected).length,
        scenarios,
        generated: structuredClone(generated),
        ...sumClients(all.map((c) => c.stats())),
        connectFailures,
      };
    },
  };
}
