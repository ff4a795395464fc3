import { randomBytes } from 'node:crypto';
import { silentLogger } from '@vigil/runtime';
import mqtt, { type MqttClient } from 'mqtt';
import { describe, expect, it, vi } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import { ExternalBroker, type ExternalBrokerOptions, MemorySessionRegistry } from '../src/index.ts';
import { DYNSEC_PLUGIN, MOSQUITTO, MOSQUITTO_INSTALL_HINT } from './mosquitto-server.ts';
import { useProvisionedMosquitto } from './provisioned-mosquitto.ts';

/**
 * Worker sessions on a real Mosquitto 2 (README "Worker sessions"): uplinks acked only once handled,
 * persistent sessions registered, and a killed worker's share adopted by a live one without waiting
 * for it to come back.
 */
const skip = requireBinary([MOSQUITTO, DYNSEC_PLUGIN], MOSQUITTO_INSTALL_HINT, 'external broker session tests');

const FACILITY = 'fac-s';
const vitals = (id: string) => `care/${FACILITY}/devices/${id}/vitals`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Internals {
  connection: { mqtt: MqttClient; stopReconnecting(): void };
  keeper: { stop(): void };
}

/** What SIGKILL does to a worker: no DISCONNECT, no more heartbeats, nothing committed from now on. */
function kill(broker: ExternalBroker): void {
  const internals = broker as unknown as Internals;
  internals.keeper.stop();
  internals.connection.stopReconnecting();
  internals.connection.mqtt.stream.destroy();
}

describe.skipIf(skip)('ExternalBroker worker sessions on Mosquitto', () => {
  const m = useProvisionedMosquitto();
  let n = 0;

  async function device(): Promise<{ id: string; client: MqttClient }> {
    const id = `band-s${++n}`;
    const secret = randomBytes(24).toString('base64url');
    await m.provisioner.provisionDevice({ deviceId: id, facilityId: FACILITY, secret });
    const client = await mqtt.connectAsync(m.server.url, { username: id, password: secret, reconnectPeriod: 0 });
    m.clients.push(client);
    return { id, client };
  }

  function worker(opts: Partial<ExternalBrokerOptions> & Pick<ExternalBrokerOptions, 'onUplink'>): ExternalBroker {
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

  it('acks an uplink only once its handler resolved: a resumed session gets the unfinished one again', async () => {
    const seen: string[] = [];
    const a = worker({
      sessionRegistry: new MemorySessionRegistry(),
      onUplink: (msg) => {
        const body = msg.payload.toString();
        seen.push(body);
        // "stuck" never commits (before the reconnection); "done" commits at once.
        return body === 'stuck' && seen.length === 1 ? new Promise<void>(() => {}) : Promise.resolve();
      },
    });
    await a.start();
    const { id, client } = await device();
    await client.publishAsync(vitals(id), 'stuck', { qos: 1 });
    await client.publishAsync(vitals(id), 'done', { qos: 1 });
    await vi.waitFor(() => expect(seen).toEqual(['stuck', 'done']));
    await sleep(100);
    // The socket dies abruptly; the worker reconnects with the same client id and resumes its session.
    (a as unknown as Internals).connection.mqtt.stream.destroy();
    await vi.waitFor(() => expect(a.stats().connects).toBe(2), { timeout: 10_000 });
    await vi.waitFor(() => expect(seen).toEqual(['stuck', 'done', 'stuck']));
    await sleep(300);
    expect(seen).toEqual(['stuck', 'done', 'stuck']);
  });

  it("adopts a killed worker's session: every uplink handled, without the worker coming back", async () => {
    const registry = new MemorySessionRegistry();
    const N = 200;
    let aDead = false;
    const committedByA = new Set<number>();
    const handledByB: number[] = [];
    const num = (payload: Buffer) => Number(payload.toString());
    const a = worker({
      sessionRegistry: registry,
      maxInFlight: 8,
      onUplink: async (msg) => {
        await sleep(20);
        if (aDead) return new Promise<void>(() => {}); // killed: never commits
        committedByA.add(num(msg.payload));
      },
    });
    const b = worker({
      sessionRegistry: registry,
      maxInFlight: 8,
      onUplink: async (msg) => {
        await sleep(2);
        handledByB.push(num(msg.payload));
      },
    });
    await a.start();
    await b.start();
    const { id, client } = await device();
    for (let i = 0; i < N / 2; i++) client.publish(vitals(id), String(i), { qos: 1 });
    await vi.waitFor(() => expect(committedByA.size).toBeGreaterThanOrEqual(16), { timeout: 10_000 });
    aDead = true;
    kill(a);
    const killedAt = Date.now();
    for (let i = N / 2; i < N; i++) await client.publishAsync(vitals(id), String(i), { qos: 1 });
    let adoptingAt = 0;
    await vi.waitFor(
      () => {
        if (!adoptingAt && b.stats().adopting > 0) adoptingAt = Date.now();
        expect(b.stats().adoptions).toBe(1);
      },
      { timeout: 20_000, interval: 20 },
    );
    const adoptedAt = Date.now();
    const handled = new Set([...committedByA, ...handledByB]);
    expect([...Array(N).keys()].filter((i) => !handled.has(i))).toEqual([]);
    // A message A committed is handled again only if A's PUBACK had not reached Mosquitto when it died.
    const again = handledByB.filter((i) => committedByA.has(i));
    expect(again.length).toBeLessThanOrEqual(1);
    expect(await registry.list()).toEqual([{ clientId: b.clientId, expiresInMs: expect.any(Number) }]);
    console.info(
      `adoption: A committed ${committedByA.size}, B handled ${handledByB.length} (${again.length} of A's again); ` +
        `kill → claim ${adoptingAt - killedAt} ms, kill → session ended ${adoptedAt - killedAt} ms`,
    );
  });

  it('adopts the session of a worker cut off from the broker while it still reaches the registry', async () => {
    const registry = new MemorySessionRegistry();
    const handled = new Set<number>();
    const a = worker({
      sessionRegistry: registry,
      // Cut off for a minute: it keeps running (and could heartbeat) but cannot take its share.
      reconnect: { initialMs: 60_000, maxMs: 60_000 },
      onUplink: (msg) => void handled.add(+msg.payload),
    });
    const b = worker({ sessionRegistry: registry, onUplink: (msg) => void handled.add(+msg.payload) });
    await a.start();
    await b.start();
    (a as unknown as Internals).connection.mqtt.stream.destroy();
    const { id, client } = await device();
    for (let i = 0; i < 40; i++) await client.publishAsync(vitals(id), String(i), { qos: 1 });
    await vi.waitFor(() => expect(b.stats().adoptions).toBe(1), { timeout: 15_000, interval: 50 });
    await vi.waitFor(() => expect(handled.size).toBe(40), { timeout: 5_000 });
    expect(a.stats().connected).toBe(false);
  });

  it('stops adopting, losing nothing, when the owner comes back with its client id', async () => {
    const registry = new MemorySessionRegistry();
    const clientId = `vigil-engine-owner-${randomBytes(4).toString('hex')}`;
    const handled = new Set<number>();
    let aDead = false;
    const a = worker({
      clientId,
      sessionRegistry: registry,
      maxInFlight: 4,
      onUplink: (msg) => (aDead ? new Promise<void>(() => {}) : Promise.resolve(void handled.add(+msg.payload))),
    });
    const b = worker({
      sessionRegistry: registry,
      maxInFlight: 2,
      onUplink: async (msg) => {
        await sleep(100); // slow, so the adoption is still under way when the owner returns
        handled.add(+msg.payload);
      },
    });
    await a.start();
    await b.start();
    aDead = true;
    kill(a);
    const { id, client } = await device();
    for (let i = 0; i < 60; i++) await client.publishAsync(vitals(id), String(i), { qos: 1 });
    await vi.waitFor(() => expect(b.stats().adopting).toBe(1), { timeout: 15_000, interval: 20 });
    await sleep(300);
    const back = worker({
      clientId,
      sessionRegistry: registry,
      onUplink: (msg) => {
        handled.add(+msg.payload);
      },
    });
    await back.start();
    await vi.waitFor(() => expect(b.stats().adopting).toBe(0), { timeout: 5_000 });
    await vi.waitFor(() => expect(handled.size).toBe(60), { timeout: 10_000 });
    expect(b.stats()).toMatchObject({ adoptions: 0, connected: true });
    // The owner keeps its session and its registration; no one adopts it again.
    await sleep(1_500);
    expect(b.stats().adopting).toBe(0);
    expect((await registry.list()).map((s) => s.clientId).sort()).toEqual([b.clientId, clientId].sort());
  });

  it('a clean close ends the session and deregisters: later uplinks go to the live workers', async () => {
    const registry = new MemorySessionRegistry();
    const got: string[] = [];
    const a = worker({ sessionRegistry: registry, onUplink: () => {} });
    const b = worker({ sessionRegistry: registry, onUplink: (msg) => void got.push(msg.payload.toString()) });
    await a.start();
    await b.start();
    const aId = a.clientId ?? '';
    await a.close();
    expect((await registry.list()).map((s) => s.clientId)).toEqual([b.clientId]);
    const { id, client } = await device();
    for (let i = 0; i < 10; i++) await client.publishAsync(vitals(id), String(i), { qos: 1 });
    await vi.waitFor(() => expect(got).toHaveLength(10));
    // Nothing was kept for A: its client id finds no session.
    const probe = await mqtt.connectAsync(m.server.url, {
      ...m.platform,
      clientId: aId,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 0 },
      reconnectPeriod: 0,
    });
    m.clients.push(probe);
    const queued: string[] = [];
    probe.on('message', (_t, payload) => queued.push(payload.toString()));
    await sleep(300);
    expect(queued).toEqual([]);
  });
});
