import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmbeddedBroker, PortInUseError } from '../src/index.ts';
import { type BrokerHarness, FACILITY, provision, SECRET, startBroker, topicOf } from './fixtures.ts';

let h: BrokerHarness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = undefined;
});

async function harness(): Promise<BrokerHarness> {
  h = await startBroker();
  await provision(h.stores, [
    { id: 'dev-1' },
    { id: 'dev-2' },
    { id: 'dev-other', facilityId: 'fac-b' },
    { id: 'dev-gone', state: 'decommissioned' },
  ]);
  return h;
}

const closed = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

describe('embedded broker: authentication (contract §1)', () => {
  it('accepts a provisioned device with its secret', async () => {
    const b = await harness();
    const client = await b.connect('dev-1');
    expect(client.connected).toBe(true);
    await vi.waitFor(() => expect(b.broker.stats().connectedDevices).toBe(1));
  });

  for (const [name, deviceId, password] of [
    ['a wrong secret', 'dev-1', 'not-the-secret'],
    ['an unknown device', 'nobody', SECRET],
    ['a decommissioned device', 'dev-gone', SECRET],
    ['an empty password', 'dev-1', ''],
  ] as const) {
    it(`refuses ${name} with CONNACK 4 "bad username or password"`, async () => {
      const b = await harness();
      const err = await b.connect(deviceId, { password }).then(
        () => undefined,
        (e: Error & { code?: number }) => e,
      );
      expect(err?.code).toBe(4);
      expect(err?.message).toMatch(/bad username or password/i);
      expect(b.broker.stats().authFailures).toBe(1);
    });
  }

  it("disconnectDevice closes the device's connection and no other", async () => {
    const b = await harness();
    const c1 = await b.connect('dev-1');
    const other = await b.connect('dev-2');
    await vi.waitFor(() => expect(b.broker.stats().connectedDevices).toBe(2));
    const gone = closed(c1);
    expect(await b.broker.disconnectDevice('dev-1')).toBe(1);
    await gone;
    expect(other.connected).toBe(true);
  });
});

describe('embedded broker: ACL (contract §1)', () => {
  for (const [name, topic] of [
    ["another device's topic", topicOf('dev-2', 'vitals')],
    ['another facility', topicOf('dev-1', 'vitals', 'fac-b')],
    ['its own downlink channel', topicOf('dev-1', 'errors')],
    ['an unknown channel', topicOf('dev-1', 'secrets')],
    ['$SYS', '$SYS/broker/x'],
  ] as const) {
    it(`a publish to ${name} closes the connection and is never processed`, async () => {
      const b = await harness();
      const client = await b.connect('dev-1');
      const gone = closed(client);
      client.publish(topic, '{"ts":1,"hr":70}', { qos: 1 }, () => undefined);
      await gone;
      expect(b.uplinks).toEqual([]);
      await vi.waitFor(() => expect(b.broker.stats().byDevice['dev-1']?.aclViolations).toBe(1));
    });
  }

  it('a refused subscription gets SUBACK 0x80 and the connection stays up', async () => {
    const b = await harness();
    const client = await b.connect('dev-1');
    const topics = [topicOf('dev-2', 'commands'), 'care/#', topicOf('dev-1', 'errors'), topicOf('dev-1', 'commands')];
    // mqtt.js reports any 0x80 in the SUBACK as an error carrying the packet.
    const granted = await client.subscribeAsync(topics, { qos: 1 }).then(
      () => undefined,
      (e: Error & { packet?: { granted: number[] } }) => e.packet?.granted,
    );
    expect(granted).toEqual([128, 128, 1, 1]);
    expect(client.connected).toBe(true);
    await client.publishAsync(topicOf('dev-1', 'vitals'), '{"ts":1,"hr":70}', { qos: 1 });
    await vi.waitFor(() => expect(b.uplinks).toHaveLength(1));
    expect(b.broker.stats().byDevice['dev-1']?.refusedSubscriptions).toBe(2);
  });

  it('hands every allowed publish to onUplink with the authenticated device id', async () => {
    const b = await harness();
    const client = await b.connect('dev-1');
    for (const channel of ['vitals', 'events', 'telemetry', 'status']) {
      await client.publishAsync(topicOf('dev-1', channel), `{"n":"${channel}"}`, {
        qos: 1,
        retain: channel === 'status',
      });
    }
    await client.publishAsync(topicOf('dev-1', 'vitals'), 'qos0', { qos: 0 });
    await vi.waitFor(() => expect(b.uplinks).toHaveLength(5));
    expect(b.uplinks.map((u) => [u.deviceId, u.topic, u.payload.toString()])).toEqual([
      ['dev-1', topicOf('dev-1', 'vitals'), '{"n":"vitals"}'],
      ['dev-1', topicOf('dev-1', 'events'), '{"n":"events"}'],
      ['dev-1', topicOf('dev-1', 'telemetry'), '{"n":"telemetry"}'],
      ['dev-1', topicOf('dev-1', 'status'), '{"n":"status"}'],
      ['dev-1', topicOf('dev-1', 'vitals'), 'qos0'],
    ]);
    expect(b.uplinks.every((u) => Buffer.isBuffer(u.payload) && u.receivedAt > 0)).toBe(true);
  });

  it('a retained status is ingested once, not again when devices (re)connect', async () => {
    const b = await harness();
    const client = await b.connect('dev-1');
    await client.publishAsync(topicOf('dev-1', 'status'), '{"state":"online"}', { qos: 1, retain: true });
    await client.endAsync();
    const again = await b.connect('dev-1');
    await again.subscribeAsync(topicOf('dev-1', 'commands'), { qos: 1 });
    await again.publishAsync(topicOf('dev-1', 'vitals'), '{}', { qos: 1 });
    await vi.waitFor(() => expect(b.uplinks).toHaveLength(2));
    expect(b.uplinks.map((u) => u.topic)).toEqual([topicOf('dev-1', 'status'), topicOf('dev-1', 'vitals')]);
  });
});

describe('embedded broker: Last Will (contract §1)', () => {
  const will = (deviceId: string) => ({
    topic: topicOf(deviceId, 'status'),
    payload: Buffer.from('{"state":"offline"}'),
    qos: 1 as const,
    retain: true,
  });

  it('a device that dies without DISCONNECT delivers {"state":"offline"} with its device id', async () => {
    const b = await harness();
    const client = await b.connect('dev-1', { will: will('dev-1') });
    client.stream.destroy();
    await vi.waitFor(() => expect(b.uplinks).toHaveLength(1));
    expect(b.uplinks[0]).toMatchObject({ deviceId: 'dev-1', topic: topicOf('dev-1', 'status') });
    expect(b.uplinks[0]?.payload.toString()).toBe('{"state":"offline"}');
  });

  it('a clean DISCONNECT sends no will', async () => {
    const b = await harness();
    const client = await b.connect('dev-1', { will: will('dev-1') });
    await client.endAsync();
    await vi.waitFor(() => expect(b.broker.stats().connectedDevices).toBe(0));
    expect(b.uplinks).toEqual([]);
  });

  it("a will on another device's topic is refused at CONNECT (not authorized)", async () => {
    const b = await harness();
    const err = await b.connect('dev-1', { will: will('dev-2') }).then(
      () => undefined,
      (e: Error & { code?: number }) => e,
    );
    expect(err?.code).toBe(5);
    expect(b.broker.stats().byDevice['dev-1']?.aclViolations).toBe(1);
  });
});

describe('embedded broker: transport', () => {
  it('sets TCP_NODELAY on every accepted socket', async () => {
    const spy = vi.spyOn(Socket.prototype, 'setNoDelay');
    const b = await harness();
    await b.connect('dev-1');
    const serverSide = spy.mock.contexts.filter((s) => (s as Socket).localPort === b.port);
    expect(serverSide.length).toBeGreaterThanOrEqual(1);
    expect(spy.mock.calls[spy.mock.contexts.indexOf(serverSide[0])]).toEqual([true]);
  });

  it('closes a connection that declares a packet over the limit, before buffering it', async () => {
    const b = await harness();
    const client = await b.connect('dev-1');
    const gone = closed(client);
    client.publish(topicOf('dev-1', 'vitals'), Buffer.alloc(2 * 1024 * 1024, 0x20), { qos: 0 });
    await gone;
    expect(b.uplinks).toEqual([]);
    expect(b.broker.stats().oversizedPackets).toBe(1);
  });

  it('does not acknowledge what onUplink failed to take: closes the connection, takes the resend', async () => {
    let n = 0;
    h = await startBroker(() => {
      n++;
      if (n === 1) throw new Error('boom');
      if (n === 2) return Promise.reject(new Error('boom'));
    });
    await provision(h.stores, [{ id: 'dev-1' }]);
    const client = await h.connect('dev-1', { reconnectPeriod: 50 });
    const publishes = [0, 1, 2].map((i) => client.publishAsync(topicOf('dev-1', 'vitals'), `${i}`, { qos: 1 }));
    await Promise.all(publishes);
    // Message 0 failed twice (a throw, then a rejection) and was acknowledged only the third time.
    expect(h.uplinks.map((u) => String(u.payload)).slice(0, 3)).toEqual(['0', '0', '0']);
    expect(h.broker.stats().uplinkFailures).toBe(2);
  });

  it('delivers downlink errors (QoS 0) and commands (QoS 1) to the subscribed device', async () => {
    const b = await harness();
    const client = await b.connect('dev-1');
    await client.subscribeAsync([topicOf('dev-1', 'errors'), topicOf('dev-1', 'commands')], { qos: 1 });
    const got: { topic: string; qos: number; body: unknown }[] = [];
    client.on('message', (topic, payload, packet) =>
      got.push({ topic, qos: packet.qos, body: JSON.parse(String(payload)) }),
    );
    const error = {
      ts: new Date().toISOString(),
      topic: topicOf('dev-1', 'vitals'),
      code: 'invalid_json',
      detail: 'x',
    } as const;
    await b.broker.downlink.publish(FACILITY, 'dev-1', 'errors', error);
    await b.broker.downlink.publish(FACILITY, 'dev-1', 'commands', { type: 'vibrate', alertId: 'al_1' });
    await vi.waitFor(() => expect(got).toHaveLength(2));
    expect(got).toEqual([
      { topic: topicOf('dev-1', 'errors'), qos: 0, body: error },
      { topic: topicOf('dev-1', 'commands'), qos: 1, body: { type: 'vibrate', alertId: 'al_1' } },
    ]);
  });

  it('reports a taken port clearly', async () => {
    const b = await harness();
    const second = await createEmbeddedBroker({ devices: b.stores.devices, onUplink: () => undefined, port: b.port });
    try {
      const err = await second.listen().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as Error).message).toBe(`MQTT port ${b.port} is already in use`);
      expect((err as { code: string }).code).toBe('EADDRINUSE');
    } finally {
      await second.close();
    }
  });

  it('serves MQTT over WebSocket on /mqtt of an HTTP server', async () => {
    const b = await harness();
    const http = createServer((_req, res) => res.end('ok'));
    const ws = b.broker.attachWebSocket(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    try {
      const client = await mqtt.connectAsync(`ws://127.0.0.1:${port}/mqtt`, {
        username: 'dev-1',
        password: SECRET,
        clientId: 'dev-1',
        reconnectPeriod: 0,
      });
      await client.publishAsync(topicOf('dev-1', 'vitals'), '{"ws":true}', { qos: 1 });
      await vi.waitFor(() => expect(b.uplinks).toHaveLength(1));
      expect(b.uplinks[0]?.deviceId).toBe('dev-1');
      const refused = await mqtt
        .connectAsync(`ws://127.0.0.1:${port}/mqtt`, {
          username: 'dev-1',
          password: 'nope',
          clientId: 'dev-1',
          reconnectPeriod: 0,
        })
        .then(
          () => undefined,
          (e: Error & { code?: number }) => e.code,
        );
      expect(refused).toBe(4);
      await client.endAsync();
    } finally {
      await ws.close();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('close() is idempotent', async () => {
    const b = await harness();
    await b.connect('dev-1');
    await Promise.all([b.broker.close(), b.broker.close()]);
    expect(b.broker.aedes.closed).toBe(true);
  });
});
