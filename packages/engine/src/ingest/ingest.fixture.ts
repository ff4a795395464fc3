import type { DeviceCommand, DeviceStatus, DownlinkChannel, IngestErrorMessage } from '@vigil/contracts';
import { type Logger, ManualClock, silentLogger } from '@vigil/runtime';
import { createMemoryStores, type DeviceRecord, type Stores } from '@vigil/stores';
import type {
  AcceptedEvent,
  AcceptedSample,
  AcceptedTelemetry,
  DeviceDownlink,
  IngestSink,
  UplinkMessage,
} from '../ports.ts';
import { Ingest } from './ingest.ts';

/** Records what passed ingest, in order; can be told to fail to prove failures stay contained. */
export class RecordingSink implements IngestSink {
  readonly calls: (
    | { kind: 'vitals'; deviceId: string; samples: AcceptedSample[] }
    | { kind: 'event'; deviceId: string; event: AcceptedEvent }
    | { kind: 'telemetry'; deviceId: string; telemetry: AcceptedTelemetry }
    | { kind: 'status'; deviceId: string; status: DeviceStatus; at: number }
  )[] = [];
  failNext = 0;

  private check() {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('sink down');
    }
  }
  async vitals(device: DeviceRecord, samples: AcceptedSample[]) {
    this.check();
    this.calls.push({ kind: 'vitals', deviceId: device.id, samples });
  }
  async event(device: DeviceRecord, event: AcceptedEvent) {
    this.check();
    this.calls.push({ kind: 'event', deviceId: device.id, event });
  }
  async telemetry(device: DeviceRecord, telemetry: AcceptedTelemetry) {
    this.check();
    this.calls.push({ kind: 'telemetry', deviceId: device.id, telemetry });
  }
  async status(device: DeviceRecord, status: DeviceStatus, at: number) {
    this.check();
    this.calls.push({ kind: 'status', deviceId: device.id, status, at });
  }
  samples(): AcceptedSample[] {
    return this.calls.flatMap((c) => (c.kind === 'vitals' ? c.samples : []));
  }
}

export class RecordingDownlink implements DeviceDownlink {
  readonly sent: { facilityId: string; deviceId: string; channel: DownlinkChannel; payload: unknown }[] = [];
  async publish(
    facilityId: string,
    deviceId: string,
    channel: DownlinkChannel,
    payload: IngestErrorMessage | DeviceCommand,
  ) {
    this.sent.push({ facilityId, deviceId, channel, payload });
  }
  errors(): IngestErrorMessage[] {
    return this.sent.filter((s) => s.channel === 'errors').map((s) => s.payload as IngestErrorMessage);
  }
}

export interface Harness {
  ingest: Ingest;
  stores: Stores;
  sink: RecordingSink;
  downlink: RecordingDownlink;
  clock: ManualClock;
  logger: Logger;
  /** Sends one payload (object → JSON) from `dev-1` on a channel. */
  send(channel: string, payload: unknown, deviceId?: string): Promise<void>;
}

export const FACILITY = 'fac-1';

export async function createHarness(): Promise<Harness> {
  const clock = new ManualClock();
  const stores = createMemoryStores(() => clock.now());
  const sink = new RecordingSink();
  const downlink = new RecordingDownlink();
  const logger = silentLogger();
  for (const id of ['dev-1', 'dev-2']) {
    await stores.devices.put({
      id,
      kind: 'wearable',
      facilityId: FACILITY,
      secretHash: 'unused-in-ingest',
      state: 'online',
      createdAt: clock.now(),
    });
  }
  const ingest = new Ingest({ ...stores, sink, downlink, clock, logger, topicPrefix: 'care' });
  const send = async (channel: string, payload: unknown, deviceId = 'dev-1') => {
    const msg: UplinkMessage = {
      deviceId,
      topic: `care/${FACILITY}/devices/${deviceId}/${channel}`,
      payload: Buffer.isBuffer(payload)
        ? payload
        : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
      receivedAt: clock.now(),
    };
    // Admitted (the broker would acknowledge now), then applied by the partition owner.
    await ingest.handle(msg);
    await ingest.idle();
  };
  return { ingest, stores, sink, downlink, clock, logger, send };
}
