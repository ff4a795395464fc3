import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BrokerHarness, provision, SECRET, startBroker, topicOf } from './fixtures.ts';

/**
 * contract §1 "the client id must equal the device id" on the embedded broker (issue 13, HIGH
 * "client-id takeover"): before it, any valid device could CONNECT with another device's client id,
 * and aedes dropped the victim's connection (its Last Will became a false `device.offline`, and an
 * SOS sent meanwhile waited for the reconnect).
 */
let h: BrokerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(): Promise<BrokerHarness> {
  h = await startBroker();
  await provision(h.stores, [{ id: 'dev-a' }, { id: 'dev-b' }, { id: 'dev-gone', state: 'decommissioned' }]);
  return h;
}

const offlineWill = (deviceId: string) => ({
  topic: topicOf(deviceId, 'status'),
  payload: Buffer.from('{"state":"offline"}'),
  qos: 1 as const,
  retain: true,
});

/** The CONNACK return code of a refused CONNECT, or 'connected'. */
const outcome = (attempt: Promise<MqttClient>) =>
  attempt.then(
    () => 'connected' as const,
    (e: Error & { code?: number }) => e.code,
  );

const closed = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

describe('embedded broker: client id = device id (contract §1)', () => {
  it("refuses a device using another device's client id (CONNACK 2); the victim stays connected, no Last Will", async () => {
    const b = await harness();
    const victim = await b.connect('dev-a', { will: offlineWill('dev-a') });
    let victimClosed = false;
    victim.on('close', () => {
      victimClosed = true;
    });
    const err = await b.connect('dev-b', { clientId: 'dev-a' }).then(
      () => undefined,
      (e: Error & { code?: number }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.message).toMatch(/identifier rejected/i);
    // The victim's connection is untouched: it still publishes, and its will was never sent.
    await victim.publishAsync(topicOf('dev-a', 'events'), '{"type":"sos"}', { qos: 1 });
    await vi.waitFor(() => expect(b.uplinks).toHaveLength(1));
    expect(victimClosed).toBe(false);
    expect(b.uplinks.map((u) => [u.deviceId, u.topic])).toEqual([['dev-a', topicOf('dev-a', 'events')]]);
    const stats = b.broker.stats();
    expect(stats.identifierRejections).toBe(1);
    expect(stats.connectedDevices).toBe(1);
  });

  it('answers 2 whatever the device and secret, so a wrong client id reveals nothing else', async () => {
    const b = await harness();
    const attempts: [string, Partial<IClientOptions>][] = [
      ['dev-b', { password: SECRET }],
      ['dev-b', { password: 'not-the-secret' }],
      ['nobody', { password: SECRET }],
      ['dev-gone', { password: SECRET }],
    ];
    for (const [deviceId, opts] of attempts) {
      expect(await outcome(b.connect(deviceId, { ...opts, clientId: 'dev-a' })), deviceId).toBe(2);
    }
    // Decided before the secret is looked at: none of them counts as a failed authentication.
    expect(b.broker.stats()).toMatchObject({ identifierRejections: 4, authFailures: 0 });
  });

  it('refuses an empty client id (the broker would make one up) and a device id in another case', async () => {
    const b = await harness();
    expect(await outcome(b.connect('dev-a', { clientId: '', clean: true }))).toBe(2);
    expect(await outcome(b.connect('dev-a', { clientId: 'DEV-A' }))).toBe(2);
  });

  it("a device's new connection still replaces its own older one", async () => {
    const b = await harness();
    const older = await b.connect('dev-a');
    const replaced = closed(older);
    const newer = await b.connect('dev-a');
    await replaced;
    await newer.publishAsync(topicOf('dev-a', 'vitals'), '{"ts":1,"hr":70}', { qos: 1 });
    await vi.waitFor(() => expect(b.uplinks).toHaveLength(1));
    expect(b.broker.stats().connectedDevices).toBe(1);
  });

  it('holds over MQTT on WebSocket too: the same hooks decide', async () => {
    const b = await harness();
    const http = createServer((_req, res) => res.end('ok'));
    const ws = b.broker.attachWebSocket(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/mqtt`;
    const overWs = (username: string, clientId: string) =>
      mqtt.connectAsync(url, { username, password: SECRET, clientId, reconnectPeriod: 0 });
    try {
      const victim = await b.connect('dev-a', { will: offlineWill('dev-a') });
      expect(await outcome(overWs('dev-b', 'dev-a'))).toBe(2);
      await victim.publishAsync(topicOf('dev-a', 'vitals'), '{"ts":1,"hr":70}', { qos: 1 });
      await vi.waitFor(() => expect(b.uplinks).toHaveLength(1));
      expect(b.uplinks[0]?.topic).toBe(topicOf('dev-a', 'vitals'));
      const own = await overWs('dev-b', 'dev-b');
      expect(own.connected).toBe(true);
      await own.endAsync();
    } finally {
      await ws.close();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
