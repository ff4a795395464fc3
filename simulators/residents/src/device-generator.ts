import type { DeviceEventType, Location } from '@vigil/contracts';
import { batchPayloads } from './payloads.ts';
import { ResidentModel, type ResidentReading } from './resident-model.ts';
import { Rng } from './rng.ts';
import { sensorScenarioFor, wearableScenarioFor } from './scenarios/index.ts';
import type { BaseSlot, ScenarioRun, SensorSlot, WearableSlot } from './scenarios/types.ts';
import { SensorModel, type SensorReading } from './sensor-model.ts';
import type { DeviceSpec, Emission, MalformedKind } from './types.ts';

export interface DeviceGeneratorOptions {
  device: DeviceSpec;
  seed: string | number;
  /** A scenario name or `mixed`. */
  scenario: string;
  startMs: number;
  /**
   * First `seq`. Defaults to `startMs`: `seq` then stays increasing across simulator restarts at up to
   * 1000 messages/s, so the platform's (deviceId, seq) de-duplication never drops a fresh run's data.
   */
  seqStart?: number;
  utcOffsetMinutes?: number;
  /** Sensors send on every change and otherwise at this period. */
  sensorHeartbeatMs?: number;
  artefactProbability?: number;
  /** Store-and-forward memory; the oldest samples are lost beyond it, as on a real device. */
  maxBufferedSamples?: number;
  /** When the first episode of a scenario may start (ms after `startMs`); scenario defaults otherwise. */
  firstOnsetMs?: readonly [number, number];
}

type SensorFlags = Pick<SensorReading, 'waterLeak' | 'smoke' | 'mainsPower' | 'doorOpen'>;

/**
 * Everything one device sends, as a pure function of seed and time: physiology or room model,
 * the scenario, `seq`, and store-and-forward while offline. No MQTT here; the transport replays
 * the emissions (STYLE.md §14: generation separable from transport).
 */
export class DeviceGenerator {
  readonly device: DeviceSpec;
  /** The scenario actually running (for `mixed`, the one drawn for this device). */
  readonly scenario: string;
  readonly resident: ResidentModel | undefined;
  readonly sensor: SensorModel | undefined;
  private readonly startMs: number;
  private readonly heartbeatMs: number;
  private readonly maxBuffered: number;
  private readonly wearableRun: ScenarioRun<WearableSlot> | undefined;
  private readonly sensorRun: ScenarioRun<SensorSlot> | undefined;
  private seq: number;
  private online = true;
  private buffer: object[] = [];
  private bufferedEvents: object[] = [];
  private lastFlags: SensorFlags | undefined;
  private lastTelemetryAtMs = Number.NEGATIVE_INFINITY;
  private out: Emission[] = [];

  constructor(options: DeviceGeneratorOptions) {
    const { device, seed, startMs } = options;
    this.device = device;
    this.startMs = startMs;
    this.seq = options.seqStart ?? startMs;
    this.heartbeatMs = options.sensorHeartbeatMs ?? 30_000;
    this.maxBuffered = options.maxBufferedSamples ?? 10_000;
    const choice = Rng.derive(seed, device.deviceId, 'scenario-choice');
    const ctx = {
      device,
      rng: Rng.derive(seed, device.deviceId, 'scenario'),
      startMs,
      firstOnsetMs: options.firstOnsetMs,
    };
    const modelRng = Rng.derive(seed, device.deviceId, 'model');
    if (device.kind === 'wearable') {
      const scenario = wearableScenarioFor(device.scenario ?? options.scenario, choice);
      this.scenario = scenario.name;
      this.resident = new ResidentModel(modelRng, {
        ...(options.utcOffsetMinutes !== undefined && { utcOffsetMinutes: options.utcOffsetMinutes }),
        ...(options.artefactProbability !== undefined && { artefactProbability: options.artefactProbability }),
      });
      this.wearableRun = scenario.create(ctx);
    } else {
      const scenario = sensorScenarioFor(device.scenario ?? options.scenario, choice);
      this.scenario = scenario.name;
      this.sensor = new SensorModel(modelRng, options.utcOffsetMinutes);
      this.sensorRun = scenario.create(ctx);
    }
  }

  get isOnline(): boolean {
    return this.online;
  }

  /** Runs one sample slot at `atMs` and returns what the device emits in it. Call in time order. */
  tick(atMs: number): Emission[] {
    this.out = [];
    if (this.resident && this.wearableRun) this.wearableRun.step(this.wearableSlot(atMs, this.resident));
    else if (this.sensor && this.sensorRun) this.sensorRun.step(this.sensorSlot(atMs, this.sensor));
    return this.out;
  }

  /** The slot API for one tick; `online` is live, so a scenario sees its own `drop()` at once. */
  private slot<E extends object>(atMs: number, extra: E): BaseSlot & E {
    const { zoneId, roomId } = this.device;
    const place: Location | undefined =
      zoneId !== undefined || roomId !== undefined
        ? { ...(zoneId !== undefined && { zoneId }), ...(roomId !== undefined && { roomId }) }
        : undefined;
    const isOnline = () => this.online;
    const base: BaseSlot = {
      atMs,
      elapsedMs: atMs - this.startMs,
      device: this.device,
      get online() {
        return isOnline();
      },
      place,
      event: (type, location) => this.event(atMs, type, location),
      raw: (channel, payload, kind) => {
        // Garbage from a device that is offline never reaches anyone.
        if (this.online) this.publish(atMs, channel, payload, `malformed:${kind}`, kind);
      },
      drop: () => this.drop(atMs),
      reconnect: () => this.reconnect(atMs),
    };
    // Object.assign keeps the target's `online` getter (it only copies `extra`'s own fields).
    return Object.assign(base, extra);
  }

  private wearableSlot(atMs: number, resident: ResidentModel): WearableSlot {
    return this.slot(atMs, { resident, sample: () => this.sample(atMs, resident.next(atMs)) });
  }

  private sensorSlot(atMs: number, sensor: SensorModel): SensorSlot {
    return this.slot(atMs, { sensor, telemetry: () => this.telemetry(atMs, sensor) });
  }

  private sample(atMs: number, reading: ResidentReading): void {
    const { ts, ...values } = reading;
    const sample = { ts, seq: this.seq++, ...values };
    if (this.online) {
      this.publish(atMs, 'vitals', JSON.stringify(sample), 'sample');
      return;
    }
    this.buffer.push(sample);
    if (this.buffer.length > this.maxBuffered) this.buffer.shift();
  }

  private event(atMs: number, type: DeviceEventType, location?: Location): void {
    const event = { ts: atMs, seq: this.seq++, type, ...(location !== undefined && { location }) };
    if (this.online) this.publish(atMs, 'events', JSON.stringify(event), `event:${type}`);
    else this.bufferedEvents.push(event);
  }

  private telemetry(atMs: number, sensor: SensorModel): void {
    const reading = sensor.next(atMs);
    const flags: SensorFlags = {
      waterLeak: reading.waterLeak,
      smoke: reading.smoke,
      mainsPower: reading.mainsPower,
      doorOpen: reading.doorOpen,
    };
    const changed =
      this.lastFlags === undefined ||
      (Object.keys(flags) as (keyof SensorFlags)[]).some((k) => flags[k] !== this.lastFlags?.[k]);
    if (!this.online || (!changed && atMs - this.lastTelemetryAtMs < this.heartbeatMs)) return;
    this.lastFlags = flags;
    this.lastTelemetryAtMs = atMs;
    const { ts, ...values } = reading;
    this.publish(atMs, 'telemetry', JSON.stringify({ ts, seq: this.seq++, ...values }), 'telemetry');
  }

  private drop(atMs: number): void {
    if (!this.online) return;
    this.online = false;
    this.out.push({ kind: 'drop', deviceId: this.device.deviceId, atMs });
  }

  private reconnect(atMs: number): void {
    if (this.online) return;
    this.online = true;
    this.out.push({ kind: 'reconnect', deviceId: this.device.deviceId, atMs });
    for (const payload of batchPayloads(this.buffer)) this.publish(atMs, 'vitals', payload, 'batch');
    for (const event of this.bufferedEvents) {
      this.publish(atMs, 'events', JSON.stringify(event), `event:${(event as { type: string }).type}`);
    }
    this.buffer = [];
    this.bufferedEvents = [];
  }

  private publish(
    atMs: number,
    channel: 'vitals' | 'events' | 'telemetry',
    payload: string,
    label: string,
    malformed?: MalformedKind,
  ): void {
    this.out.push({
      kind: 'publish',
      deviceId: this.device.deviceId,
      atMs,
      channel,
      payload,
      label,
      ...(malformed !== undefined && { malformed }),
    });
  }
}
