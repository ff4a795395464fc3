import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import type { DeviceCommand, IngestErrorMessage } from '@vigil/contracts';
import type { UplinkMessage } from '@vigil/engine';
import { silentLogger } from '@vigil/runtime';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { describe, expect, it, vi } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import { ExternalBroker, type ExternalBrokerOptions } from '../src/index.ts';
import { createMqttClient } from '../src/external/mqtt-client.ts';
import { DYNSEC_PLUGIN, MOSQUITTO, MOSQUITTO_INSTALL_HINT } from './mosquitto-server.ts';
import { useProvisionedMosquitto } from './provisioned-mosquitto.ts';

/**
 * The platform's `ExternalBroker` against a real Mosquitto 2: uplinks through the shared
 * subscription (Last Will included), load split across workers, downlinks, reconnection.
 */
const skip = requireBinary([MOSQUITTO, DYNSEC_PLUGIN], MOSQUITTO_INSTALL_HINT, 'external broker tests');

const FACILITY = 'fac-a';
const topicOf = (deviceId: string, channel: string) => `care/${FACILITY}/devices/${deviceId}/${channel}`;
const OFFLINE = '{"state":"offline"}';
const VIBRATE: DeviceCommand = { type: 'vibrate', alertId: 'al_1' };

describe.skipIf(skip)('ExternalBroker on Mosquitto', () => {
  const m = useProvisionedMosquitto({ provisionerReconnect: { initialMs: 100, maxMs: 400 } });
  let n = 0;

  /** A freshly provisioned device, connected over MQTT 3.1.1 as wearables do. */
  async function device(
    will?: (id: string) => IClientOptions['will'],
  ): Promise<{ id: string; secret: string; client: MqttClient }> {
    const id = `band-${++n}`;
    const secret = randomBytes(32).toString('base64url');
    await m.provisioner.provisionDevice({ deviceId: id, facilityId: FACILITY, secret });
    const client = await mqtt.connectAsync(m.server.url, {
      username: id,
      password: secret,
      clientId: id,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...(will && { will: will(id) }),
    });
    m.clients.push(client);
    return { id, secret, client };
  }

  function platform(opts: Partial<ExternalBrokerOptions> = {}) {
    const uplinks: UplinkMessage[] = [];
    const broker = new ExternalBroker({
      url: m.server.url,
      ...m.platform,
      onUplink: (msg) => {
        uplinks.push(msg);
      },
      logger: silentLogger(),
      ...opts,
    });
    m.brokers.push(broker);
    return { broker, uplinks, of: (id: string) => uplinks.filter((u) => u.deviceId === id) };
  }

  it('delivers the retained online status and, when the device dies without DISCONNECT, its Last Will', async () => {
    const p = platform();
    await p.broker.start();
    const { id, client } = await device((own) => ({
      topic: topicOf(own, 'status'),
      payload: Buffer.from(OFFLINE),
      qos: 1,
      retain: true,
    }));
    await client.publishAsync(topicOf(id, 'status'), '{"state":"online"}', { qos: 1, retain: true });
    await vi.waitFor(() => expect(p.of(id)).toHaveLength(1));
    client.stream.destroy(); // battery out: no DISCONNECT
    await vi.waitFor(() => expect(p.of(id)).toHaveLength(2));
    expect(p.of(id).map((u) => [u.topic, u.payload.toString()])).toEqual([
      [topicOf(id, 'status'), '{"state":"online"}'],
      [topicOf(id, 'status'), OFFLINE],
    ]);
  });

  it('does not replay stored retained statuses to a worker that subscribes later', async () => {
    const { id, client } = await device();
    await client.publishAsync(topicOf(id, 'status'), '{"state":"online"}', { qos: 1, retain: true });
    const p = platform();
    await p.broker.start();
    await client.publishAsync(topicOf(id, 'vitals'), '{"ts":1,"hr":70}', { qos: 1 });
    await vi.waitFor(() => expect(p.of(id)).toHaveLength(1));
    expect(p.of(id)[0]?.topic).toBe(topicOf(id, 'vitals'));
  });

  it("drops a Last Will aimed at another device's topic (Mosquitto checks it against the ACL)", async () => {
    const p = platform();
    await p.broker.start();
    const victim = await device();
    const liar = await device(() => ({
      topic: topicOf(victim.id, 'status'),
      payload: Buffer.from(OFFLINE),
      qos: 1,
      retain: false,
    }));
    liar.client.stream.destroy();
    // Mosquitto handles the will as it notices the closed socket, which it logs.
    await vi.waitFor(() => expect(m.server.output()).toContain(`Client ${liar.id} closed its connection`));
    await victim.client.publishAsync(topicOf(victim.id, 'vitals'), '{"ts":1,"hr":60}', { qos: 1 });
    await vi.waitFor(() => expect(p.of(victim.id)).toHaveLength(1));
    expect(p.of(victim.id)[0]?.topic).toBe(topicOf(victim.id, 'vitals'));
  });

  it('splits uplinks between two workers of the shared subscription, each message to exactly one', async () => {
    const [w1, w2] = [platform(), platform()];
    await Promise.all([w1.broker.start(), w2.broker.start()]);
    const { id, client } = await device();
    const sent = Array.from({ length: 40 }, (_, i) => `{"ts":${i + 1},"seq":${i},"hr":70}`);
    for (const body of sent) await client.publishAsync(topicOf(id, 'vitals'), body, { qos: 1 });
    const received = () => [...w1.of(id), ...w2.of(id)].map((u) => u.payload.toString());
    await vi.waitFor(() => expect(received()).toHaveLength(40));
    expect(received().sort()).toEqual([...sent].sort());
    expect(w1.of(id).length).toBeGreaterThan(0);
    expect(w2.of(id).length).toBeGreaterThan(0);
  });

  it('publishes commands (QoS 1) and errors (QoS 0) to the device, never echoed back as uplinks', async () => {
    const p = platform();
    await p.broker.start();
    const { id, client } = await device();
    await client.subscribeAsync([topicOf(id, 'commands'), topicOf(id, 'errors')], { qos: 1 });
    const got: [string, string, number][] = [];
    client.on('message', (topic, payload, packet) => got.push([topic, payload.toString(), packet.qos]));
    await p.broker.downlink.publish(FACILITY, id, 'commands', { type: 'vibrate', alertId: 'al_9' });
    const error: IngestErrorMessage = {
      ts: '2026-11-23T09:30:00.000Z',
      topic: topicOf(id, 'vitals'),
      code: 'invalid_json',
      detail: 'x',
    };
    await p.broker.downlink.publish(FACILITY, id, 'errors', error);
    await vi.waitFor(() => expect(got).toHaveLength(2));
    expect(got).toEqual([
      [topicOf(id, 'commands'), '{"type":"vibrate","alertId":"al_9"}', 1],
      [topicOf(id, 'errors'), JSON.stringify(error), 0],
    ]);
    expect(p.of(id)).toEqual([]);
    expect(p.broker.stats()).toMatchObject({ downlinks: 2, downlinkFailures: 0, ignored: 0 });
  });

  it('reconnects with backoff after the broker restarts and receives again', async () => {
    const p = platform({ consumers: 2, reconnect: { initialMs: 100, maxMs: 400 } });
    await p.broker.start();
    const before = await device();
    await m.server.restart();
    // Each of its four connections (downlinks, the urgent lane, two routine consumers) connected twice.
    await vi.waitFor(
      () => expect(p.broker.stats()).toMatchObject({ connected: true, connects: 8, consumersConnected: 3 }),
      { timeout: 10_000 },
    );
    // Mosquitto kept the provisioned client in its dynsec config across the restart.
    const client = await mqtt.connectAsync(m.server.url, {
      username: before.id,
      password: before.secret,
      clientId: before.id,
      reconnectPeriod: 0,
    });
    m.clients.push(client);
    await client.publishAsync(topicOf(before.id, 'vitals'), '{"ts":1,"hr":70}', { qos: 1 });
    await vi.waitFor(() => expect(p.of(before.id)).toHaveLength(1));
    await vi.waitFor(() => expect(m.provisioner.connected).toBe(true), { timeout: 10_000 });
  });

  it('connects the platform with TCP_NODELAY from the first packet', async () => {
    const client = createMqttClient(m.server.url, { ...m.platform, protocolVersion: 5, reconnectPeriod: 0 });
    m.clients.push(client);
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    // Node keeps the socket's noDelay state under an internal symbol; set before connecting, it is
    // applied to the handle as the connection is established.
    const socket = client.stream as unknown as Record<symbol, unknown>;
    const noDelay = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'kSetNoDelay');
    expect(noDelay && socket[noDelay]).toBe(true);
  });

  it('gives up starting with MQTT_START_TIMEOUT when no broker answers', async () => {
    const idle = createServer();
    await new Promise<void>((resolve) => idle.listen(0, '127.0.0.1', resolve));
    const { port } = idle.address() as AddressInfo;
    await new Promise<void>((resolve) => idle.close(() => resolve()));
    const p = platform({ url: `mqtt://127.0.0.1:${port}`, startTimeoutMs: 500, reconnect: { initialMs: 50 } });
    await expect(p.broker.start()).rejects.toMatchObject({ code: 'MQTT_START_TIMEOUT' });
  });

  it('refuses wrong platform credentials at start with MQTT_AUTH_REFUSED', async () => {
    const p = platform({ password: 'wrong' });
    await expect(p.broker.start()).rejects.toMatchObject({ code: 'MQTT_AUTH_REFUSED' });
  });

  it('fails to start with MQTT_SUBSCRIBE_REFUSED when the user lacks the platform role', async () => {
    const secret = randomBytes(16).toString('base64url');
    // A login of no role (a device's would not do: it may connect only with its own client id).
    const [created] = await m.provisioner.command([
      { command: 'createClient', username: 'not-a-platform', password: secret },
    ]);
    expect(created?.error).toBeUndefined();
    const p = platform({ username: 'not-a-platform', password: secret });
    await expect(p.broker.start()).rejects.toMatchObject({ code: 'MQTT_SUBSCRIBE_REFUSED' });
  });

  it('refuses a downlink at once when not connected (MQTT_OFFLINE) or closed (MQTT_CLOSED)', async () => {
    const p = platform();
    await expect(p.broker.publish(FACILITY, 'band-x', 'commands', VIBRATE)).rejects.toMatchObject({
      code: 'MQTT_OFFLINE',
    });
    await p.broker.start();
    await p.broker.close();
    await expect(p.broker.publish(FACILITY, 'band-x', 'commands', VIBRATE)).rejects.toMatchObject({
      code: 'MQTT_CLOSED',
    });
  });
});
