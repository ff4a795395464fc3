import {
  DEFAULT_TOPIC_PREFIX,
  DeviceEvent,
  DeviceStatus,
  isUplink,
  parseDeviceTopic,
  SensorTelemetry,
  VitalsSample,
} from '@vigil/contracts';
import type { Clock, Logger } from '@vigil/runtime';
import type { CounterStore, DeviceRecord, DeviceStore } from '@vigil/stores';
import { KeyedLock } from '../alerts/keyed-lock.ts';
import { ErrorReporter } from '../ingest/error-reporter.ts';
import {
  checkEnvelope,
  isBatch,
  parsePayload,
  type Rejection,
  rejectionFromIssues,
  validateTimed,
} from '../ingest/validate.ts';
import type { AcceptedEvent, AcceptedSample, AcceptedTelemetry, DeviceDownlink, UplinkMessage } from '../ports.ts';
import type { UplinkRecord } from './uplink-log.ts';

export interface AdmissionDeps {
  devices: DeviceStore;
  counters: CounterStore;
  downlink: DeviceDownlink;
  clock: Clock;
  logger: Logger;
  /** Topic prefix (contract §1: `care`, configurable). */
  topicPrefix?: string;
  /** Hands an admitted record on (to the log); resolves once it is as durable as the log is. */
  handoff(device: DeviceRecord, record: UplinkRecord): Promise<void>;
}

/**
 * The edge where untrusted device payloads become typed records (STYLE.md §1): size, JSON, schema,
 * `ts` bounds, per-sample rejection, the rejection counters and the `errors` topic (contract §1.4).
 * It runs wherever the device's message arrives; what it admits goes to the log, and the broker
 * acknowledges the message only after that (issue 12 "durable log before acknowledgement").
 * Messages of one device are admitted in arrival order; nothing a device sends can stop the messages
 * before or after it.
 */
export class Admission {
  /** Arrival order per device: a slow lookup must not let a later message overtake an earlier one. */
  private readonly lock = new KeyedLock();
  private readonly reporter: ErrorReporter;
  private readonly log: Logger;
  private readonly prefix: string;

  constructor(private readonly deps: AdmissionDeps) {
    this.log = deps.logger.child({ module: 'admission' });
    this.reporter = new ErrorReporter({ ...deps, logger: this.log });
    this.prefix = deps.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
  }

  /**
   * Resolves once the message is in the log, or once its rejection for bad input (unknown device,
   * malformed, schema, `ts`) is counted and reported: then the broker acknowledges it (contract §1.4).
   * Rejects when the message could not be handed over for a reason of the platform's own (a store or
   * the log failed): the broker must not acknowledge it, so the device keeps it and sends it again.
   * Arrival order is kept per device and lane: a call for help never queues behind the device's own
   * vitals (which backpressure may be holding).
   */
  handle(msg: UplinkMessage): Promise<void> {
    const lane = msg.topic.endsWith('/events') ? 'urgent' : 'routine';
    return this.lock
      .run(`${msg.deviceId}|${lane}`, () => this.admit(msg))
      .catch((err: unknown) => {
        this.log.error({ err, deviceId: msg.deviceId, topic: msg.topic }, 'admission failed: not acknowledged');
        throw err;
      });
  }

  private async admit(msg: UplinkMessage): Promise<void> {
    const route = parseDeviceTopic(this.prefix, msg.topic);
    // The broker's ACL (contract §1) already guarantees this; an external broker might not.
    if (!route || !isUplink(route.channel) || route.deviceId !== msg.deviceId) {
      this.log.warn({ deviceId: msg.deviceId, topic: msg.topic }, 'not an uplink topic of this device');
      return;
    }
    const device = await this.deps.devices.snapshot(msg.deviceId);
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
      case 'telemetry':
        return this.single(device, msg, route.channel, parsed.value);
      case 'status': {
        const status = DeviceStatus.safeParse(parsed.value);
        if (!status.success) return this.reporter.report(device, msg.topic, [rejectionFromIssues(status.error.issues)]);
        return this.deps.handoff(device, {
          kind: 'status',
          deviceId: device.id,
          status: status.data,
          at: msg.receivedAt,
        });
      }
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
    const samples: AcceptedSample[] = [];
    const rejections: Rejection[] = [];
    candidates.forEach((candidate, i) => {
      // One bad sample does not cost the good ones (docs/device-protocol.md).
      const checked = validateTimed(VitalsSample, candidate, now, batch ? `samples[${i}]` : '');
      if (checked.ok) samples.push(checked.value);
      else rejections.push(checked.rejection);
    });
    if (rejections.length > 0) await this.reporter.report(device, msg.topic, rejections);
    if (samples.length > 0) await this.deps.handoff(device, { kind: 'vitals', deviceId: device.id, samples });
  }

  private async single(
    device: DeviceRecord,
    msg: UplinkMessage,
    channel: 'events' | 'telemetry',
    value: unknown,
  ): Promise<void> {
    const now = this.deps.clock.now();
    if (channel === 'events') {
      const checked = validateTimed(DeviceEvent, value, now);
      if (!checked.ok) return this.reporter.report(device, msg.topic, [checked.rejection]);
      return this.deps.handoff(device, { kind: 'event', deviceId: device.id, event: checked.value as AcceptedEvent });
    }
    const checked = validateTimed(SensorTelemetry, value, now);
    if (!checked.ok) return this.reporter.report(device, msg.topic, [checked.rejection]);
    return this.deps.handoff(device, {
      kind: 'telemetry',
      deviceId: device.id,
      telemetry: checked.value as AcceptedTelemetry,
    });
  }
}
