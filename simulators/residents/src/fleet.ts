import { DeviceGenerator, type DeviceGeneratorOptions } from './device-generator.ts';
import { Rng } from './rng.ts';
import type { DeviceSpec, Emission } from './types.ts';

export interface FleetOptions
  extends Pick<
    DeviceGeneratorOptions,
    'seqStart' | 'utcOffsetMinutes' | 'sensorHeartbeatMs' | 'artefactProbability' | 'firstOnsetMs'
  > {
  devices: readonly DeviceSpec[];
  seed: string | number;
  /** A scenario name or `mixed`. */
  scenario: string;
  /** Sample slots per device per second; may be fractional (0.2 = one every 5 s). */
  ratePerSecond: number;
  startMs: number;
}

interface Entry {
  generator: DeviceGenerator;
  dueMs: number;
}

/**
 * All devices' generators on one schedule. `tick(atMs)` runs every slot due up to `atMs` and returns
 * the emissions in time order: the real-time simulator calls it from a timer, tests call it with
 * simulated times and no broker at all.
 */
export class Fleet {
  readonly intervalMs: number;
  private readonly entries: Entry[];

  constructor(options: FleetOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new RangeError(`ratePerSecond must be a positive number, got ${options.ratePerSecond}`);
    }
    this.intervalMs = 1000 / options.ratePerSecond;
    const ids = new Set<string>();
    this.entries = options.devices.map((device) => {
      if (ids.has(device.deviceId)) throw new Error(`duplicate deviceId ${device.deviceId}`);
      ids.add(device.deviceId);
      // Spread devices over the interval so a fleet does not publish in lockstep bursts.
      const phase = Rng.derive(options.seed, device.deviceId, 'phase').float(0, this.intervalMs);
      return {
        generator: new DeviceGenerator({ ...options, device }),
        dueMs: options.startMs + Math.floor(phase),
      };
    });
  }

  get generators(): DeviceGenerator[] {
    return this.entries.map((e) => e.generator);
  }

  generator(deviceId: string): DeviceGenerator | undefined {
    return this.entries.find((e) => e.generator.device.deviceId === deviceId)?.generator;
  }

  /** Runs every slot due at or before `atMs`; emissions sorted by time (stable per device). */
  tick(atMs: number): Emission[] {
    const out: Emission[] = [];
    for (const entry of this.entries) {
      while (entry.dueMs <= atMs) {
        // Wire times are integer milliseconds (contract: WireTime); 1000/3 ms intervals are not.
        out.push(...entry.generator.tick(Math.round(entry.dueMs)));
        entry.dueMs += this.intervalMs;
      }
    }
    return out.sort((a, b) => a.atMs - b.atMs);
  }
}
