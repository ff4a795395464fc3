import {
  DEFAULT_TOPIC_PREFIX,
  DeviceEvent,
  DeviceStatus,
  isUplink,
  parseDeviceTopic,
  SensorTelemetry,
  type UplinkChannel,
  VitalsSample,
} from '@vigil/contracts';
import type { Clock, Logger } from '@vigil/runtime';
import type { CounterStore, DeviceRecord, DeviceStore, SeqStore } from '@vigil/stores';
import { KeyedLock } from '../alerts/keyed-lock.ts';
import type { AcceptedSample, DeviceDownlink, IngestSink, UplinkMessage } from '../ports.ts';
import { ErrorReporter } from './error-reporter.ts';
import { SeqClaims } from './seq-claims.ts';
import {
  checkEnvelope,
  isBatch,
  parsePayload,
  type Rejection,
  rejectionFromIssues,
  validateTimed,
} from './validate.ts';

export interface IngestDeps {
  devices: DeviceStore;
  counters: CounterStore;
  seqs: SeqStore;
  sink: IngestSink;
  downlink: DeviceDownlink;
  clock: Clock;
  logger: Logger;
  /** Topic prefix (contract §1: `care`, configurable). */
  topicPrefix?: string;
}

/**
 * The edge where untrusted device payloads become typed messages (STYLE.md §1): size, JSON, schema,
 * ts bounds, per-sample rejection, dedup by seq, counters and the `errors` topic (contract §1.1, §1.4).
 * Messages of one device are processed in arrival order, different devices concurrently; nothing a
 * device sends can stop the messages before or after it.
 */
export class Ingest {
  /** Arrival order per device within this process; across processes, seq claims keep it exactly-once. */
  private readonly lock = new KeyedLock();
  private readonly claims: SeqClaims;
  private readonly reporter: ErrorReporter;
  private readonly log: Logger;
  private readonly prefix: string;

  constructor(private readonly deps: IngestDeps) {
    this.log = deps.logger.child({ module: 'ingest' });
    this.reporter = new ErrorReporter({ ...deps, logger: this.log });
    this.claims = new SeqClaims({ ...deps, logger: this.log });
    this.prefix = deps.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
  }

  /** Never rejects: every failure is logged with ids only (STYLE.md §8). */
  handle(msg: UplinkMessage): Promise<void> {
    return this.lock
      .run(msg.deviceId, () => this.process(msg))
      .catch((err: unknown) => {
        this.log.error({ err, deviceId: msg.deviceId, topic: msg.topic }, 'ingest failed');
      });
  }

  private async process(msg: UplinkMessage): Promise<void> {
    const route = parseDeviceTopic(this.prefix, msg.topic);
    // The broker's ACL (contract §1) already guarantees this; an external broker might not.
    if (!route || !isUplink(route.channel) || route.deviceId !== msg.deviceId) {
      this.log.warn({ deviceId: msg.deviceId, topic: msg.topic }, 'not an uplink topic of this device');
      return;
    }
    const device = await this.deps.devices.get(msg.deviceId);
    if (!device || device.state === 'decommissioned' || device.facilityId !== route.facilityId) {
      await this.deps.counters.addRejected(msg.deviceId, 'unknown_device');
      this.log.warn({ deviceId: msg.deviceId, topic: msg.topic }, 'message from an unknown device');
      return;
    }
    const parsed = parsePayload(msg.payload);
    if (!parsed.ok) return this.reporter.report(device, msg.topic, [parsed.rejection]);
    switch (route.channel) {
      case 'vitals':
        return this.vitals(device, msg, parsed.value);
      case 'events':
        return this.single(device, msg, 'events', parsed.value);
      case 'telemetry':
        return this.single(device, msg, 'telemetry', parsed.value);
      case 'status':
        return this.status(device, msg, parsed.value);
    }
  }

  /** A sample or a store-and-forward batch (contract §1.1). */
  private async vitals(device: DeviceRecord, msg: UplinkMessage, value: unknown): Promise<void> {
    const now = this.deps.clock.now();
    let candidates: unknown[] = [value];
    const batch = isBatch(value);
    if (batch) {
      // Envelope errors (not an array, empty, over 1000) reject the whole message.
      const envelope = checkEnvelope(value);
      if (!envelope.ok) return this.reporter.report(device, msg.topic, [envelope.rejection]);
      candidates = envelope.value;
    }
    const accepted: AcceptedSample[] = [];
    const rejections: Rejection[] = [];
    candidates.forEach((candidate, i) => {
      // One bad sample does not cost the good ones (docs/device-protocol.md).
      const checked = validateTimed(VitalsSample, candidate, now, batch ? `samples[${i}]` : '');
      if (checked.ok) accepted.push(checked.value);
      else rejections.push(checked.rejection);
    });
    if (rejections.length > 0) await this.reporter.report(device, msg.topic, rejections);
    await this.claims.once(device.id, 'vitals', accepted, async (fresh) => {
      // contract §1.1: processed in ts order; the sort is stable, so equal ts keep arrival order.
      fresh.sort((a, b) => a.ts - b.ts);
      await this.deps.counters.addAccepted(device.id, fresh.length);
      await this.deliver(device, 'vitals', () => this.deps.sink.vitals(device, fresh));
    });
  }

  private async single(
    device: DeviceRecord,
    msg: UplinkMessage,
    channel: 'events' | 'telemetry',
    value: unknown,
  ): Promise<void> {
    const now = this.deps.clock.now();
    const checked =
      channel === 'events' ? validateTimed(DeviceEvent, value, now) : validateTimed(SensorTelemetry, value, now);
    if (!checked.ok) return this.reporter.report(device, msg.topic, [checked.rejection]);
    await this.claims.once(device.id, channel, [checked.value], async ([fresh]) => {
      if (!fresh) return;
      await this.deps.counters.addAccepted(device.id, 1);
      await this.deliver(device, channel, () =>
        channel === 'events'
          ? this.deps.sink.event(device, fresh as DeviceEvent)
          : this.deps.sink.telemetry(device, fresh as SensorTelemetry),
      );
    });
  }

  /**
   * Retained status; the Last Will says offline (contract §1). Connection state, not data, so it is
   * not counted as accepted; a malformed status is still rejected and counted.
   */
  private async status(device: DeviceRecord, msg: UplinkMessage, value: unknown): Promise<void> {
    const parsed = DeviceStatus.safeParse(value);
    if (!parsed.success) return this.reporter.report(device, msg.topic, [rejectionFromIssues(parsed.error.issues)]);
    await this.deliver(device, 'status', () => this.deps.sink.status(device, parsed.data, msg.receivedAt));
  }

  /** A failing sink is logged and never stops later messages (contract §1.4). */
  private async deliver(device: DeviceRecord, channel: UplinkChannel, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.log.error({ err, deviceId: device.id, channel }, 'ingest sink failed');
    }
  }
}
