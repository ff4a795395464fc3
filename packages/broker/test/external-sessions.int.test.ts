import { randomBytes } from 'node:crypto';
import { silentLogger } from '@vigil/runtime';
import mqtt, { type IConnackPacket, type MqttClient } from 'mqtt';
import { describe, expect, it, vi } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import { consumerClientId, ExternalBroker, type ExternalBrokerOptions } from '../src/index.ts';
import { DYNSEC_PLUGIN, MOSQUITTO, MOSQUITTO_INSTALL_HINT } from './mosquitto-server.ts';
import { useProvisionedMosquitto } from './provisioned-mosquitto.ts';

/**
 * Engine sessions on a real Mosquitto 2 (README "Engine sessions"): an uplink is acked only once
 * `onUplink` resolved, through mqtt.js's `handleMessage`; what was not acked, and what queued while an
 * engine was dead, comes back when the engine restarts under the same identity; a clean close ends
 * the sessions.
 */
const skip = requireBinary([MOSQUITTO, DYNSEC_PLUGIN], MOSQUITTO_INSTALL_HINT, 'external broker session tests');

const FACILITY = 'fac-s';
const vitals = (id: string) => `care/${FACILITY}/devices/${id}/vitals`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Connection {
  mqtt: MqttClient;
  stopReconnecting(): void;
}
interface Internals {
  downlinks: Connection;
  consumers: { connection: Connection }[];
}

/** What SIGKILL does to an engine: every socket gone without DISCONNECT, nothing acked from now on. */
function kill(broker: ExternalBroker): void {
  const internals = broker as unknown as Internals;
  for (const c of [internals.downlinks, ...internals.consumers.map((x) => x.connection)]) {
    c.stopReconnecting();
    c.mqtt.stream.destroy();
  }
}

describe.skipIf(skip)('ExternalBroker engine sessions on Mosquitto', () => {
  const m = useProvisionedMosquitto();
  let n = 0;

  async function device(): Promise<{ id: string; client: MqttClient }> {
    const id = `band-s${++n}`;
    const secret = randomBytes(24).toString('base64url');
    await m.provisioner.provisionDevice({ deviceId: id, facilityId: FACILITY, secret });
    const client = await mqtt.connectAsync(m.server.url, {
      username: id,
      password: secret,
      clientId: id,
      reconnectPeriod: 0,
    });
    m.clients.push(client);
    return { id, client };
  }

  function engine(opts: Partial<ExternalBrokerOptions> & Pick<ExternalBrokerOptions, 'onUplink'>): ExternalBroker {
    const broker = new ExternalBroker({
      url: m.server.url,
      ...m.platform,
      reconnect: { initialMs: 100, maxMs: 400 },
      logger: silentLogger(),
      ...opts,
    });
    m.brokers.push(broker);
    return broker;
  }

  const identity = () => `test-${randomBytes(4).toString('hex')}`;

  it('acks an uplink only once onUplink resolved: the same identity, restarted, gets exactly the rest', async () => {
    const engineId = identity();
    const firstRun: string[] = [];
    let release = () => {};
    const a = engine({
      engineId,
      consumers: 1,
      onUplink: (msg) => {
        firstRun.push(msg.payload.toString());
        // "3" never resolves before the crash: one connection handles one uplink at a time, so "4"
        // and "5" wait behind it, delivered but unacked.
        return msg.payload.toString() === '3' ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
    });
    await a.start();
    const { id, client } = await device();
    for (let i = 0; i < 6; i++) await client.publishAsync(vitals(id), String(i), { qos: 1 });
    await vi.waitFor(() => expect(firstRun).toEqual(['0', '1', '2', '3']));
    await sleep(200);
    expect(firstRun).toEqual(['0', '1', '2', '3']);
    kill(a);
    // Resolving now is too late: its connection is gone, and no PUBACK may go out on another one.
    release();

    const secondRun: string[] = [];
    const b = engine({ engineId, consumers: 1, onUplink: (msg) => void secondRun.push(msg.payload.toString()) });
    await b.start();
    await vi.waitFor(() => expect(secondRun).toEqual(['3', '4', '5']));
    await sleep(300);
    expect(secondRun).toEqual(['3', '4', '5']);
  });

  it('does not ack an uplink whose handler failed: the connection is dropped and the message comes again', async () => {
    const seen: string[] = [];
    let failures = 1;
    const a = engine({
      engineId: identity(),
      consumers: 1,
      onUplink: (msg) => {
        seen.push(msg.payload.toString());
        return failures-- > 0 ? Promise.reject(new Error('log unavailable')) : Promise.resolve();
      },
    });
    await a.start();
    const { id, client } = await device();
    await client.publishAsync(vitals(id), 'x', { qos: 1 });
    await client.publishAsync(vitals(id), 'y', { qos: 1 });
    await vi.waitFor(() => expect(seen).toEqual(['x', 'x', 'y']), { timeout: 10_000 });
    expect(a.stats()).toMatchObject({ uplinkFailures: 1, uplinks: 3, consumersConnected: 2 });
    await sleep(300);
    expect(seen).toEqual(['x', 'x', 'y']);
  });

  it('runs several consumers in the group, each handling one uplink at a time, under stable client ids', async () => {
    const engineId = identity();
    const holds: (() => void)[] = [];
    let running = 0;
    let peak = 0;
    const a = engine({
      engineId,
      consumers: 3,
      onUplink: () => {
        peak = Math.max(peak, ++running);
        return new Promise<void>((resolve) => holds.push(resolve)).then(() => void running--);
      },
    });
    await a.start();
    expect(a.consumerClientIds).toEqual((['urgent', 0, 1, 2] as const).map((slot) => consumerClientId(engineId, slot)));
    const { id, client } = await device();
    for (let i = 0; i < 9; i++) client.publish(vitals(id), String(i), { qos: 1 });
    // Round robin gives each connection its share; each holds one at a time.
    await vi.waitFor(() => expect(holds).toHaveLength(3));
    await sleep(200);
    expect(a.stats()).toMatchObject({ inFlight: 3, uplinks: 3 });
    await vi.waitFor(() => {
      for (const release of holds.splice(0)) release();
      expect(a.stats()).toMatchObject({ uplinks: 9, inFlight: 0 });
    });
    expect(peak).toBe(3);
  });

  it('takes a call for help on its own lane: it never waits behind vitals held by every routine consumer', async () => {
    const held: (() => void)[] = [];
    const events: string[] = [];
    let holding = true;
    const a = engine({
      engineId: identity(),
      consumers: 2,
      onUplink: (msg) => {
        if (msg.topic.endsWith('/events')) return void events.push(msg.payload.toString());
        return holding ? new Promise<void>((resolve) => held.push(resolve)) : undefined;
      },
    });
    await a.start();
    const { id, client } = await device();
    for (let i = 0; i < 10; i++) client.publish(vitals(id), String(i), { qos: 1 });
    await vi.waitFor(() => expect(held).toHaveLength(2));
    await client.publishAsync(`care/${FACILITY}/devices/${id}/events`, 'sos', { qos: 1 });
    await vi.waitFor(() => expect(events).toEqual(['sos']));
    expect(held).toHaveLength(2);
    holding = false;
    for (const release of held.splice(0)) release();
  });

  it('loses nothing when an engine is killed mid-stream and restarted under the same identity', async () => {
    const N = 200;
    const engineId = identity();
    const handled = new Set<number>();
    let aDead = false;
    const stuck: (() => void)[] = [];
    const onA = async (msg: { payload: Buffer }) => {
      await sleep(5);
      // Killed: never resolves while it matters (released at the end, when no PUBACK can go out).
      if (aDead) return new Promise<void>((resolve) => stuck.push(resolve));
      handled.add(Number(msg.payload));
    };
    const a = engine({ engineId, consumers: 2, onUplink: onA });
    const b = engine({ engineId: identity(), consumers: 2, onUplink: (msg) => void handled.add(Number(msg.payload)) });
    await a.start();
    await b.start();
    const { id, client } = await device();
    for (let i = 0; i < N / 2; i++) client.publish(vitals(id), String(i), { qos: 1 });
    await vi.waitFor(() => expect(handled.size).toBeGreaterThanOrEqual(20), { timeout: 10_000 });
    aDead = true;
    kill(a);
    for (let i = N / 2; i < N; i++) await client.publishAsync(vitals(id), String(i), { qos: 1 });
    // Mosquitto keeps routing A's round-robin share to A's offline sessions: it waits there.
    await sleep(500);
    const missing = () => [...Array(N).keys()].filter((i) => !handled.has(i));
    expect(missing().length).toBeGreaterThan(0);
    const restarted = engine({ engineId, consumers: 2, onUplink: (msg) => void handled.add(Number(msg.payload)) });
    await restarted.start();
    await vi.waitFor(() => expect(missing()).toEqual([]), { timeout: 10_000 });
    for (const release of stuck) release();
  });

  it('a clean close ends the sessions: later uplinks go to the live engine, nothing is kept for the closed one', async () => {
    const got: string[] = [];
    const engineId = identity();
    const a = engine({ engineId, consumers: 2, onUplink: () => {} });
    const b = engine({ engineId: identity(), onUplink: (msg) => void got.push(msg.payload.toString()) });
    await a.start();
    await b.start();
    await a.close();
    const { id, client } = await device();
    for (let i = 0; i < 10; i++) await client.publishAsync(vitals(id), String(i), { qos: 1 });
    await vi.waitFor(() => expect(got).toHaveLength(10));
    // Nothing was kept for A: its client ids find no session.
    const queued: string[] = [];
    for (const clientId of a.consumerClientIds) {
      const probe = mqtt.connect(m.server.url, {
        ...m.platform,
        clientId,
        protocolVersion: 5,
        clean: false,
        properties: { sessionExpiryInterval: 0 },
        reconnectPeriod: 0,
      });
      m.clients.push(probe);
      probe.on('message', (_t, payload) => queued.push(payload.toString()));
      const connack = await new Promise<IConnackPacket>((resolve) => probe.once('connect', resolve));
      expect(connack.sessionPresent, clientId).toBe(false);
    }
    await sleep(300);
    expect(queued).toEqual([]);
  });
});
