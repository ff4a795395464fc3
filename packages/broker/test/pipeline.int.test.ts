import { type DeviceStatus, IngestErrorMessage, type UplinkChannel } from '@vigil/contracts';
import { type AcceptedEvent, type AcceptedSample, Ingest, type IngestSink, memoryPartitioning } from '@vigil/engine';
import { silentLogger, systemClock } from '@vigil/runtime';
import { createMemoryStores, type DeviceRecord, type DeviceStore } from '@vigil/stores';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BrokerHarness, provision, startBroker, topicOf } from './fixtures.ts';

/** What reached the monitor side of ingest, in order. */
class RecordingSink implements IngestSink {
  readonly samples: AcceptedSample[] = [];
  readonly events: AcceptedEvent[] = [];
  readonly statuses: { deviceId: string; status: DeviceStatus }[] = [];
  async vitals(_d: DeviceRecord, samples: AcceptedSample[]) {
    this.samples.push(...samples);
  }
  async event(_d: DeviceRecord, event: AcceptedEvent) {
    this.events.push(event);
  }
  async telemetry() {}
  async status(d: DeviceRecord, status: DeviceStatus) {
    this.statuses.push({ deviceId: d.id, status });
  }
}

let h: BrokerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * Broker + Ingest wired as the service does: onUplink → Ingest.handle, downlink → the broker. The
 * ingest may be given its own device store and partitioning (to make them fail).
 */
async function pipeline(
  over: { devices?: (d: DeviceStore) => DeviceStore; partitioning?: ReturnType<typeof memoryPartitioning> } = {},
) {
  const stores = createMemoryStores();
  const sink = new RecordingSink();
  let ingest: Ingest | undefined;
  h = await startBroker((msg) => ingest?.handle(msg), stores);
  ingest = new Ingest({
    ...stores,
    ...(over.devices && { devices: over.devices(stores.devices) }),
    ...(over.partitioning && { partitioning: over.partitioning }),
    sink,
    downlink: h.broker.downlink,
    clock: systemClock,
    logger: silentLogger(),
    topicPrefix: 'care',
  });
  await provision(stores, [{ id: 'dev-1' }]);
  return { h, sink, stores };
}

/** `target` with `method` throwing while `broken()` says so; everything else passes through. */
function breakable<T extends object>(target: T, method: keyof T, broken: () => boolean): T {
  return new Proxy(target, {
    get(t, key) {
      const value = Reflect.get(t, key, t);
      if (typeof value !== 'function') return value;
      if (key === method && broken()) return async () => Promise.reject(new Error(`${String(method)} failed`));
      return value.bind(t);
    },
  });
}

/** Resolves with the PUBACK's arrival, or 'pending' if none came within `ms`. */
const ackedWithin = (publish: Promise<unknown>, ms: number) =>
  Promise.race([publish.then(() => 'acked' as const), new Promise((r) => setTimeout(() => r('pending' as const), ms))]);

async function listenErrors(client: MqttClient) {
  await client.subscribeAsync(topicOf('dev-1', 'errors'), { qos: 0 });
  const errors: IngestErrorMessage[] = [];
  client.on('message', (_t, payload) => errors.push(IngestErrorMessage.parse(JSON.parse(String(payload)))));
  return errors;
}

const send = (client: MqttClient, channel: UplinkChannel, body: unknown) =>
  client.publishAsync(topicOf('dev-1', channel), typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });

describe('broker → ingest → sink, errors back to the device (contract §1.4)', () => {
  it('valid vitals reach the sink; garbage gets an error on the device’s errors topic', async () => {
    const { h, sink, stores } = await pipeline();
    const client = await h.connect('dev-1');
    const errors = await listenErrors(client);
    const now = Date.now();
    await send(client, 'vitals', { ts: now - 2000, seq: 1, hr: 72, spo2: 97 });
    await send(client, 'vitals', '{"ts": oops');
    await send(client, 'vitals', { ts: now, seq: 2, hr: 999 });
    await send(client, 'vitals', {
      samples: [
        { ts: now - 500, seq: 4, hr: 74 },
        { ts: now - 1000, seq: 3, hr: 73 },
      ],
    });
    await send(client, 'vitals', { ts: now - 2000, seq: 1, hr: 72, spo2: 97 }); // replay
    await send(client, 'events', { ts: now, type: 'sos' });
    await vi.waitFor(() => expect(sink.events).toHaveLength(1));
    await vi.waitFor(() => expect(errors).toHaveLength(2));
    expect(sink.samples.map((s) => s.seq)).toEqual([1, 3, 4]);
    expect(errors.map((e) => [e.code, e.topic])).toEqual([
      ['invalid_json', topicOf('dev-1', 'vitals')],
      ['out_of_range', topicOf('dev-1', 'vitals')],
    ]);
    expect(await stores.counters.get('dev-1')).toEqual({
      accepted: 4,
      duplicates: 1,
      rejected: { invalid_json: 1, out_of_range: 1 },
    });
    expect(client.connected).toBe(true);
  });

  it('a device that dies reaches the sink as offline through its Last Will', async () => {
    const { h, sink } = await pipeline();
    const client = await h.connect('dev-1', {
      will: { topic: topicOf('dev-1', 'status'), payload: Buffer.from('{"state":"offline"}'), qos: 1, retain: true },
    });
    await send(client, 'status', { state: 'online' });
    client.stream.destroy();
    await vi.waitFor(() => expect(sink.statuses).toHaveLength(2));
    expect(sink.statuses).toEqual([
      { deviceId: 'dev-1', status: { state: 'online' } },
      { deviceId: 'dev-1', status: { state: 'offline' } },
    ]);
  });
});

describe('broker → ingest: a message the platform could not take is not acknowledged (issue 12)', () => {
  it('a device lookup that fails gets no PUBACK and a closed connection; the resend after reconnecting is taken', async () => {
    let broken = true;
    const { h, sink } = await pipeline({ devices: (d) => breakable(d, 'snapshot', () => broken) });
    const client = await h.connect('dev-1', { reconnectPeriod: 100 });
    const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const publish = send(client, 'vitals', { ts: Date.now(), seq: 1, hr: 72 });
    await gone;
    expect(sink.samples).toEqual([]);
    expect(h.broker.stats().uplinkFailures).toBeGreaterThanOrEqual(1);
    broken = false;
    await publish; // mqtt.js sends it again on the new connection; now it is taken and acknowledged
    await vi.waitFor(() => expect(sink.samples.map((s) => s.seq)).toEqual([1]));
  });

  it('a log append that throws holds the PUBACK until the log takes the message', async () => {
    let broken = true;
    const partitioning = memoryPartitioning();
    partitioning.log = breakable(partitioning.log, 'append', () => broken);
    const { h, sink } = await pipeline({ partitioning });
    const client = await h.connect('dev-1');
    const publish = send(client, 'vitals', { ts: Date.now(), seq: 1, hr: 72 });
    expect(await ackedWithin(publish, 300)).toBe('pending');
    expect(sink.samples).toEqual([]);
    broken = false;
    await publish;
    await vi.waitFor(() => expect(sink.samples.map((s) => s.seq)).toEqual([1]));
  });

  it('a payload rejected for bad input is acknowledged after its rejection is reported (contract §1.4)', async () => {
    const { h, stores } = await pipeline();
    const client = await h.connect('dev-1');
    const errors = await listenErrors(client);
    await send(client, 'vitals', { ts: Date.now(), hr: 'fast' });
    expect(await stores.counters.get('dev-1')).toMatchObject({ rejected: { schema_violation: 1 } });
    await vi.waitFor(() => expect(errors.map((e) => e.code)).toEqual(['schema_violation']));
    expect(client.connected).toBe(true);
  });
});
