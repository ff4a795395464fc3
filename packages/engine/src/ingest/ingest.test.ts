import { IngestErrorMessage, INGEST_LIMITS } from '@vigil/contracts';
import type { DeviceRecord } from '@vigil/stores';
import { describe, expect, it } from 'vitest';
import type { AcceptedSample } from '../ports.ts';
import { createHarness, FACILITY, type Harness, RecordingSink } from './ingest.fixture.ts';
import { Ingest, memoryPartitioning } from './ingest.ts';

const VITALS_TOPIC = `care/${FACILITY}/devices/dev-1/vitals`;

async function rejected(h: Harness, deviceId = 'dev-1') {
  return (await h.stores.counters.get(deviceId)).rejected;
}

describe('Ingest: contract §1.4 error codes', () => {
  const cases: { name: string; channel?: string; payload: (h: Harness) => unknown; code: string }[] = [
    {
      name: 'payload over 64 KiB',
      payload: (h) => JSON.stringify({ ts: h.clock.now(), hr: 70, pad: 'x'.repeat(INGEST_LIMITS.maxPayloadBytes) }),
      code: 'payload_too_large',
    },
    { name: 'not JSON', payload: () => '{"ts": 1, "hr": ', code: 'invalid_json' },
    { name: 'binary garbage', payload: () => Buffer.from([0xff, 0x00, 0x13, 0x37]), code: 'invalid_json' },
    { name: 'wrong type', payload: (h) => ({ ts: h.clock.now(), hr: 'seventy' }), code: 'schema_violation' },
    { name: 'not an object', payload: () => 42, code: 'schema_violation' },
    { name: 'null', payload: () => null, code: 'schema_violation' },
    { name: 'a bare array', payload: (h) => [{ ts: h.clock.now(), hr: 70 }], code: 'schema_violation' },
    { name: 'missing ts', payload: () => ({ hr: 70 }), code: 'schema_violation' },
    { name: 'bad ACVPU', payload: (h) => ({ ts: h.clock.now(), consciousness: 'X' }), code: 'schema_violation' },
    { name: 'no measurement', payload: (h) => ({ ts: h.clock.now(), seq: 1 }), code: 'missing_measurement' },
    { name: 'hr above 300', payload: (h) => ({ ts: h.clock.now(), hr: 301 }), code: 'out_of_range' },
    { name: 'spo2 above 100', payload: (h) => ({ ts: h.clock.now(), spo2: 101 }), code: 'out_of_range' },
    { name: 'temp below 25', payload: (h) => ({ ts: h.clock.now(), temp: 20 }), code: 'out_of_range' },
    {
      name: 'more than 1000 samples',
      payload: (h) => ({ samples: Array.from({ length: 1001 }, (_, i) => ({ ts: h.clock.now() - i, hr: 70 })) }),
      code: 'too_many_samples',
    },
    { name: 'empty batch', payload: () => ({ samples: [] }), code: 'schema_violation' },
    { name: 'samples not an array', payload: () => ({ samples: 'many' }), code: 'schema_violation' },
    {
      name: 'ts over 5 min ahead',
      payload: (h) => ({ ts: h.clock.now() + INGEST_LIMITS.maxFutureSkewMs + 1, hr: 70 }),
      code: 'ts_in_future',
    },
    {
      name: 'ts over 24 h old',
      payload: (h) => ({ ts: h.clock.now() - INGEST_LIMITS.maxAgeMs - 1, hr: 70 }),
      code: 'ts_too_old',
    },
    { name: 'negative ts', payload: () => ({ ts: -5, hr: 70 }), code: 'ts_too_old' },
    {
      name: 'event of unknown type',
      channel: 'events',
      payload: (h) => ({ ts: h.clock.now(), type: 'party' }),
      code: 'schema_violation',
    },
    { name: 'event without ts', channel: 'events', payload: () => ({ type: 'sos' }), code: 'schema_violation' },
    {
      name: 'event from the future',
      channel: 'events',
      payload: (h) => ({ ts: h.clock.now() + 3_600_000, type: 'sos' }),
      code: 'ts_in_future',
    },
    {
      name: 'telemetry with nothing',
      channel: 'telemetry',
      payload: (h) => ({ ts: h.clock.now() }),
      code: 'missing_measurement',
    },
    {
      name: 'telemetry humidity 150',
      channel: 'telemetry',
      payload: (h) => ({ ts: h.clock.now(), humidity: 150 }),
      code: 'out_of_range',
    },
    { name: 'status nonsense', channel: 'status', payload: () => ({ state: 'sleepy' }), code: 'schema_violation' },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.code}: counted, published on errors, nothing reaches the sink`, async () => {
      const h = await createHarness();
      const channel = c.channel ?? 'vitals';
      await h.send(channel, c.payload(h));
      expect(h.sink.calls).toEqual([]);
      expect(await rejected(h)).toEqual({ [c.code]: 1 });
      expect((await h.stores.counters.get('dev-1')).accepted).toBe(0);
      expect(h.downlink.sent).toHaveLength(1);
      const sent = h.downlink.sent[0]!;
      expect(sent).toMatchObject({ facilityId: FACILITY, deviceId: 'dev-1', channel: 'errors' });
      const msg = IngestErrorMessage.parse(sent.payload);
      expect(msg).toMatchObject({ code: c.code, topic: `care/${FACILITY}/devices/dev-1/${channel}` });
      expect(msg.ts).toBe(new Date(h.clock.now()).toISOString());
      expect(msg.detail.length).toBeGreaterThan(0);
    });
  }

  it('names the field but never echoes the value', async () => {
    const h = await createHarness();
    await h.send('vitals', { ts: h.clock.now(), hr: 412 });
    const [msg] = h.downlink.errors();
    expect(msg?.detail).toContain('hr');
    expect(msg?.detail).not.toContain('412');
  });

  it('unknown and decommissioned devices are counted as unknown_device, never reach the sink', async () => {
    const h = await createHarness();
    await h.send('vitals', { ts: h.clock.now(), hr: 70 }, 'ghost');
    await h.stores.devices.touch('dev-2', { state: 'decommissioned' });
    await h.send('vitals', { ts: h.clock.now(), hr: 70 }, 'dev-2');
    expect(h.sink.calls).toEqual([]);
    expect(await rejected(h, 'ghost')).toEqual({ unknown_device: 1 });
    expect(await rejected(h, 'dev-2')).toEqual({ unknown_device: 1 });
  });

  it('ignores a message whose topic is not this device’s uplink', async () => {
    const h = await createHarness();
    await h.ingest.handle({
      deviceId: 'dev-1',
      topic: `care/${FACILITY}/devices/dev-2/vitals`,
      payload: Buffer.from(JSON.stringify({ ts: h.clock.now(), hr: 70 })),
      receivedAt: h.clock.now(),
    });
    await h.ingest.handle({
      deviceId: 'dev-1',
      topic: `care/${FACILITY}/devices/dev-1/commands`,
      payload: Buffer.from('{}'),
      receivedAt: h.clock.now(),
    });
    expect(h.sink.calls).toEqual([]);
  });
});

describe('Ingest: accepted messages', () => {
  it('accepts a single sample at the ts bounds, ISO or epoch, ignoring unknown fields', async () => {
    const h = await createHarness();
    const now = h.clock.now();
    await h.send('vitals', { ts: now + INGEST_LIMITS.maxFutureSkewMs, hr: 70, firmware: '1.2' });
    await h.send('vitals', { ts: new Date(now - INGEST_LIMITS.maxAgeMs).toISOString(), spo2: 97 });
    expect(h.sink.samples()).toEqual([
      { ts: now + INGEST_LIMITS.maxFutureSkewMs, hr: 70 },
      { ts: now - INGEST_LIMITS.maxAgeMs, spo2: 97 },
    ]);
    expect(await h.stores.counters.get('dev-1')).toEqual({ accepted: 2, duplicates: 0, rejected: {} });
    expect(h.downlink.sent).toEqual([]);
  });

  it('delivers a batch in ts order (contract §1.1)', async () => {
    const h = await createHarness();
    const t = h.clock.now() - 60_000;
    await h.send('vitals', {
      samples: [
        { ts: t + 3000, seq: 4, hr: 74 },
        { ts: t, seq: 1, hr: 71 },
        { ts: new Date(t + 2000).toISOString(), seq: 3, hr: 73 },
        { ts: t + 1000, seq: 2, hr: 72 },
      ],
    });
    expect(h.sink.calls).toHaveLength(1);
    expect(h.sink.samples().map((s) => s.hr)).toEqual([71, 72, 73, 74]);
    expect((await h.stores.counters.get('dev-1')).accepted).toBe(4);
  });

  it('rejects bad samples of a batch one by one and keeps the good ones', async () => {
    const h = await createHarness();
    const t = h.clock.now() - 10_000;
    await h.send('vitals', {
      samples: [
        { ts: t, hr: 70 },
        { ts: t + 1, hr: 71 },
        { ts: t + 2, hr: 'x' },
        { ts: t + 3, hr: 999 },
        { ts: t + 4, spo2: -3 },
        { ts: t + 5 },
        { ts: h.clock.now() + 3_600_000, hr: 72 },
        { ts: t + 6, hr: 73 },
      ],
    });
    expect(h.sink.samples().map((s) => s.hr)).toEqual([70, 71, 73]);
    const counters = await h.stores.counters.get('dev-1');
    expect(counters.accepted).toBe(3);
    expect(counters.rejected).toEqual({
      schema_violation: 1,
      out_of_range: 2,
      missing_measurement: 1,
      ts_in_future: 1,
    });
    const details = h.downlink.errors().map((e) => `${e.code} ${e.detail}`);
    // First of each code is published (contract §1: at least the first of each code per second).
    expect(details).toHaveLength(4);
    expect(details).toContain('out_of_range samples[3]: hr out of range (max 300)');
    expect(details.find((d) => d.startsWith('schema_violation'))).toMatch(/^schema_violation samples\[2\]: hr/);
    expect(details).toContain('ts_in_future samples[6]: ts more than 5 min ahead of the platform clock');
    expect(details.find((d) => d.startsWith('missing_measurement'))).toMatch(/^missing_measurement samples\[5\]/);
  });

  it('drops repeated (device, seq) as duplicates, not errors; per channel; samples without seq are never duplicates', async () => {
    const h = await createHarness();
    const t = h.clock.now();
    await h.send('vitals', { ts: t, seq: 1, hr: 70 });
    await h.send('vitals', { ts: t, seq: 1, hr: 70 }); // QoS 1 redelivery
    await h.send('vitals', {
      samples: [
        { ts: t, seq: 1, hr: 70 },
        { ts: t + 1, seq: 2, hr: 71 },
        { ts: t + 1, seq: 2, hr: 71 },
      ],
    });
    await h.send('vitals', { ts: t, hr: 70 });
    await h.send('vitals', { ts: t, hr: 70 });
    await h.send('events', { ts: t, seq: 1, type: 'fall' }); // same seq, other channel
    await h.send('events', { ts: t, seq: 1, type: 'fall' });
    await h.send('vitals', { ts: t, seq: 1, hr: 70 }, 'dev-2'); // same seq, other device
    const c1 = await h.stores.counters.get('dev-1');
    expect(c1).toEqual({ accepted: 5, duplicates: 4, rejected: {} });
    expect(h.sink.samples().filter((s) => s.seq === 2)).toHaveLength(1);
    expect(h.sink.calls.filter((c) => c.kind === 'event')).toHaveLength(1);
    expect((await h.stores.counters.get('dev-2')).accepted).toBe(1);
    expect(h.downlink.sent).toEqual([]);
  });

  it('passes events, telemetry and status to the sink', async () => {
    const h = await createHarness();
    const t = h.clock.now();
    await h.send('events', { ts: t, type: 'sos', location: { lat: 30.27, lon: 120.16, accuracyM: 8 } });
    await h.send('telemetry', { ts: t, waterLeak: true, airTemp: 24.5 });
    await h.send('status', { state: 'offline' });
    expect(h.sink.calls).toEqual([
      {
        kind: 'event',
        deviceId: 'dev-1',
        event: { ts: t, type: 'sos', location: { lat: 30.27, lon: 120.16, accuracyM: 8 } },
      },
      { kind: 'telemetry', deviceId: 'dev-1', telemetry: { ts: t, waterLeak: true, airTemp: 24.5 } },
      { kind: 'status', deviceId: 'dev-1', status: { state: 'offline' }, at: t },
    ]);
    // Status is connection state, not data: not counted as accepted.
    expect((await h.stores.counters.get('dev-1')).accepted).toBe(2);
  });
});

describe('Ingest: robustness (contract §1.4 "nothing else is affected")', () => {
  it('a stream of garbage between valid messages loses none of the valid ones', async () => {
    const h = await createHarness();
    const garbage: unknown[] = [
      'not json',
      Buffer.from([0, 1, 2, 255]),
      '',
      'null',
      '[]',
      '{"samples": 3}',
      { ts: 'yesterday', hr: 70 },
      { ts: h.clock.now(), hr: 1e9 },
      { ts: h.clock.now() },
      'x'.repeat(INGEST_LIMITS.maxPayloadBytes + 1),
      { __proto__: { hr: 1 }, constructor: 'x' },
      '{"ts": 1e400, "hr": 70}',
    ];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      pending.push(h.send('vitals', { ts: h.clock.now() - 60_000 + i, seq: i, hr: 60 + (i % 40) }));
      pending.push(h.send('vitals', garbage[i % garbage.length]));
    }
    await Promise.all(pending);
    expect(h.sink.samples().map((s) => s.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    const c = await h.stores.counters.get('dev-1');
    expect(c.accepted).toBe(60);
    expect(Object.values(c.rejected).reduce((a, b) => a + b, 0)).toBe(60);
  });

  it('processes one device in arrival order while other devices go on concurrently', async () => {
    const h = await createHarness();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const order: string[] = [];
    const sink = new (class extends RecordingSink {
      override async vitals(device: { id: string }, samples: AcceptedSample[]) {
        if (device.id === 'dev-1' && samples[0]?.hr === 1) await gate;
        order.push(`${device.id}:${samples[0]?.hr}`);
      }
    })();
    const ingest = new Ingest({ ...h.stores, sink, downlink: h.downlink, clock: h.clock, logger: h.logger });
    const msg = (deviceId: string, hr: number) => ({
      deviceId,
      topic: `care/${FACILITY}/devices/${deviceId}/vitals`,
      payload: Buffer.from(JSON.stringify({ ts: h.clock.now(), hr })),
      receivedAt: h.clock.now(),
    });
    await ingest.handle(msg('dev-1', 1));
    await ingest.handle(msg('dev-1', 2));
    await ingest.handle(msg('dev-2', 3));
    // dev-1's partition waits on its first message; dev-2's goes on.
    await expect.poll(() => order).toEqual(['dev-2:3']);
    release();
    await ingest.idle();
    expect(order).toEqual(['dev-2:3', 'dev-1:1', 'dev-1:2']);
  });

  it('holds vitals (no PUBACK) while their partition is far behind, never a call for help', async () => {
    const h = await createHarness();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const sink = new (class extends RecordingSink {
      override async vitals(device: DeviceRecord, samples: AcceptedSample[]) {
        await gate;
        return super.vitals(device, samples);
      }
    })();
    const ingest = new Ingest({
      ...h.stores,
      sink,
      downlink: h.downlink,
      clock: h.clock,
      logger: h.logger,
      maxBacklog: 3,
    });
    const msg = (channel: string, body: object) => ({
      deviceId: 'dev-1',
      topic: `care/${FACILITY}/devices/dev-1/${channel}`,
      payload: Buffer.from(JSON.stringify(body)),
      receivedAt: h.clock.now(),
    });
    const acked: number[] = [];
    const vitals = Array.from({ length: 8 }, (_, i) =>
      ingest.handle(msg('vitals', { ts: h.clock.now(), seq: i, hr: 70 })).then(() => acked.push(i)),
    );
    await new Promise((r) => setImmediate(r));
    // The owner is stuck on the first record: the first few are acknowledged, the rest are held.
    expect(acked.length).toBeLessThan(8);
    await ingest.handle(msg('events', { ts: h.clock.now(), seq: 1, type: 'sos' }));
    await expect.poll(() => sink.calls.filter((c) => c.kind === 'event')).toHaveLength(1);
    release();
    await Promise.all(vitals);
    await ingest.idle();
    expect(sink.samples().map((x) => x.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('acknowledges nothing the log could not take: the append is tried again until it is', async () => {
    const h = await createHarness();
    const parts = memoryPartitioning();
    let failures = 2;
    const append = parts.log.append.bind(parts.log);
    parts.log.append = async (...args) => {
      if (failures-- > 0) throw new Error('redis down');
      return append(...args);
    };
    const ingest = new Ingest({
      ...h.stores,
      sink: h.sink,
      downlink: h.downlink,
      clock: h.clock,
      logger: h.logger,
      partitioning: parts,
    });
    let acked = false;
    const handled = ingest
      .handle({
        deviceId: 'dev-1',
        topic: VITALS_TOPIC,
        payload: Buffer.from(JSON.stringify({ ts: h.clock.now(), seq: 1, hr: 70 })),
        receivedAt: h.clock.now(),
      })
      .then(() => {
        acked = true;
      });
    await new Promise((r) => setTimeout(r, 20));
    expect(acked).toBe(false);
    await handled;
    await ingest.idle();
    expect(h.sink.samples().map((x) => x.seq)).toEqual([1]);
    await ingest.stop();
  });

  it('a failing sink is logged and does not stop later messages', async () => {
    const h = await createHarness();
    h.sink.failNext = 1;
    await h.send('vitals', { ts: h.clock.now(), seq: 1, hr: 70 });
    await h.send('vitals', { ts: h.clock.now(), seq: 2, hr: 71 });
    expect(h.sink.samples().map((s) => s.seq)).toEqual([2]);
  });

  it('rejects (so the broker does not acknowledge) when a store throws; later messages go through', async () => {
    const h = await createHarness();
    const broken = Object.assign(Object.create(h.stores.devices), {
      snapshot: async () => {
        throw new Error('store down');
      },
    });
    const ingest = new Ingest({
      ...h.stores,
      devices: broken,
      sink: h.sink,
      downlink: h.downlink,
      clock: h.clock,
      logger: h.logger,
    });
    await expect(
      ingest.handle({ deviceId: 'dev-1', topic: VITALS_TOPIC, payload: Buffer.from('{}'), receivedAt: 0 }),
    ).rejects.toThrow('store down');
    await h.send('vitals', { ts: h.clock.now(), hr: 70 });
    expect(h.sink.samples()).toHaveLength(1);
  });
});

describe('Ingest: errors topic rate limit', () => {
  it('publishes the first of each code per device per second and counts all', async () => {
    const h = await createHarness();
    for (let i = 0; i < 5; i++) await h.send('vitals', 'nope');
    await h.send('vitals', { ts: h.clock.now(), hr: 999 });
    await h.send('vitals', 'nope', 'dev-2');
    expect(h.downlink.sent.map((s) => `${s.deviceId}:${(s.payload as IngestErrorMessage).code}`)).toEqual([
      'dev-1:invalid_json',
      'dev-1:out_of_range',
      'dev-2:invalid_json',
    ]);
    expect(await rejected(h)).toEqual({ invalid_json: 5, out_of_range: 1 });
    h.clock.advance(999);
    await h.send('vitals', 'nope');
    expect(h.downlink.errors()).toHaveLength(3);
    h.clock.advance(1);
    await h.send('vitals', 'nope');
    expect(h.downlink.errors()).toHaveLength(4);
    expect(h.downlink.sent.at(-1)?.payload).toMatchObject({ topic: VITALS_TOPIC, code: 'invalid_json' });
  });
});
