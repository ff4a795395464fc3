import { randomBytes } from 'node:crypto';
import type { UplinkMessage } from '@vigil/engine';
import { silentLogger, systemClock } from '@vigil/runtime';
import mqtt, { type IClientOptions } from 'mqtt';
import { describe, expect, it, vi } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import { DynsecError, ExternalBroker, MosquittoProvisioner } from '../src/index.ts';
import { DYNSEC_PLUGIN, haveMosquitto, MOSQUITTO, MOSQUITTO_INSTALL_HINT, startMosquitto } from './mosquitto-server.ts';
import { useProvisionedMosquitto } from './provisioned-mosquitto.ts';

/**
 * contract §1 authentication and ACL enforced by a real Mosquitto 2 (dynamic-security plugin), as
 * provisioned by `MosquittoProvisioner`, seen from devices and from the platform's `ExternalBroker`.
 */
const skip = requireBinary([MOSQUITTO, DYNSEC_PLUGIN], MOSQUITTO_INSTALL_HINT, 'external broker ACL tests');

const FACILITY = 'fac-a';
/** 3.1.1 CONNACK: Mosquitto answers a refused username/password with 5 "not authorized". */
const NOT_AUTHORIZED = 5;
const topicOf = (deviceId: string, channel: string, facilityId = FACILITY) =>
  `care/${facilityId}/devices/${deviceId}/${channel}`;

describe.skipIf(skip)('external Mosquitto: authentication and ACL (contract §1)', () => {
  const m = useProvisionedMosquitto();
  let n = 0;
  const fresh = (name: string) => `${name}-${++n}`;

  /** Provisions a device as the REST API would; returns its secret. */
  async function provision(deviceId: string, facilityId = FACILITY): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await m.provisioner.provisionDevice({ deviceId, facilityId, secret });
    return secret;
  }

  async function connect(deviceId: string, password: string, opts: Partial<IClientOptions> = {}) {
    const client = await mqtt.connectAsync(m.server.url, {
      username: deviceId,
      password,
      clientId: deviceId, // contract §1: the client id is the device id
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...opts,
    });
    m.clients.push(client);
    return client;
  }

  const refusal = (deviceId: string, password: string) =>
    connect(deviceId, password).then(
      () => undefined,
      (err: Error & { code?: number }) => err,
    );

  async function platform(receivedAt = () => systemClock.now()) {
    const uplinks: UplinkMessage[] = [];
    const broker = new ExternalBroker({
      url: m.server.url,
      ...m.platform,
      onUplink: (msg) => {
        uplinks.push(msg);
      },
      clock: { now: receivedAt, setTimeout: systemClock.setTimeout },
      logger: silentLogger(),
    });
    m.brokers.push(broker);
    await broker.start();
    return { broker, uplinks };
  }

  it("delivers a provisioned device's vitals to the platform with the device id from the topic", async () => {
    const id = fresh('band');
    const { uplinks } = await platform(() => 1_795_342_506_384);
    const device = await connect(id, await provision(id));
    await device.publishAsync(topicOf(id, 'vitals'), '{"ts":1,"hr":72}', { qos: 1 });
    await vi.waitFor(() => expect(uplinks.filter((u) => u.deviceId === id)).toHaveLength(1));
    const [msg] = uplinks.filter((u) => u.deviceId === id);
    expect(msg).toEqual({
      deviceId: id,
      topic: topicOf(id, 'vitals'),
      payload: Buffer.from('{"ts":1,"hr":72}'),
      receivedAt: 1_795_342_506_384,
    });
  });

  it('refuses a wrong secret and an unknown device (CONNACK not authorized)', async () => {
    const id = fresh('band');
    await provision(id);
    for (const [user, password] of [
      [id, 'not-the-secret'],
      ['nobody', 'whatever'],
    ] as const) {
      const err = await refusal(user, password);
      expect(err?.code).toBe(NOT_AUTHORIZED);
      expect(err?.message).toMatch(/not authorized/i);
    }
  });

  it("drops a publish to another device's or facility's topic or to a downlink channel; the connection stays", async () => {
    const [a, b] = [fresh('band'), fresh('band')];
    await provision(b);
    const { uplinks } = await platform();
    const device = await connect(a, await provision(a));
    for (const topic of [
      topicOf(b, 'vitals'),
      topicOf(a, 'vitals', 'fac-b'),
      topicOf(a, 'errors'),
      topicOf(a, 'vitals/extra'),
    ]) {
      // 3.1.1 has no negative PUBACK: Mosquitto acknowledges and discards.
      await device.publishAsync(topic, '{"ts":1,"hr":70}', { qos: 1 });
    }
    await device.publishAsync(topicOf(a, 'vitals'), '{"ts":2,"hr":71}', { qos: 1 });
    await vi.waitFor(() => expect(uplinks.some((u) => u.topic === topicOf(a, 'vitals'))).toBe(true));
    expect(uplinks.filter((u) => u.deviceId === a || u.deviceId === b).map((u) => u.topic)).toEqual([
      topicOf(a, 'vitals'),
    ]);
    expect(device.connected).toBe(true);
  });

  it('lets a device subscribe only to its own downlink topics and receive its commands', async () => {
    const [a, b] = [fresh('band'), fresh('band')];
    await provision(b);
    const { broker } = await platform();
    const device = await connect(a, await provision(a));
    const granted = (await device.subscribeAsync([topicOf(a, 'commands'), topicOf(a, 'errors')])).map((g) => g.qos);
    expect(granted).toEqual([0, 0]);
    for (const filter of [
      topicOf(b, 'commands'),
      `care/${FACILITY}/devices/+/commands`,
      'care/#',
      topicOf(a, 'vitals'),
    ]) {
      // SUBACK 0x80; mqtt.js rejects with the packet attached.
      const err = await device.subscribeAsync(filter).catch((e: Error & { packet?: { granted?: number[] } }) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as { packet?: { granted?: number[] } }).packet?.granted).toEqual([128]);
    }
    expect(device.connected).toBe(true);
    const got = new Promise<[string, string]>((resolve) =>
      device.once('message', (topic, payload) => resolve([topic, payload.toString()])),
    );
    await broker.publish(FACILITY, a, 'commands', { type: 'vibrate', alertId: 'al_1' });
    expect(await got).toEqual([topicOf(a, 'commands'), '{"type":"vibrate","alertId":"al_1"}']);
  });

  it('decommissioning disconnects the device and refuses it from then on', async () => {
    const id = fresh('band');
    const secret = await provision(id);
    const device = await connect(id, secret);
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    await m.provisioner.decommissionDevice(id);
    await closed;
    expect((await refusal(id, secret))?.code).toBe(NOT_AUTHORIZED);
    // Idempotent: an unknown device is not an error.
    await m.provisioner.decommissionDevice(id);
  });

  it('provisioning again replaces the secret', async () => {
    const id = fresh('band');
    const old = await provision(id);
    const renewed = await provision(id);
    expect((await refusal(id, old))?.code).toBe(NOT_AUTHORIZED);
    expect((await connect(id, renewed)).connected).toBe(true);
  });

  it('re-binding keeps the secret, moves the ACL and closes the connection authorised for the old topics', async () => {
    const id = fresh('band');
    const secret = await provision(id, 'fac-a');
    const { uplinks } = await platform();
    const before = await connect(id, secret);
    const closed = new Promise<void>((resolve) => before.once('close', () => resolve()));
    await m.provisioner.rebindDevice(id, 'fac-b');
    await closed;
    // The same secret (the platform does not have it any more), under the new facility's topics only.
    const device = await connect(id, secret);
    await device.publishAsync(topicOf(id, 'vitals', 'fac-a'), '{"ts":1,"hr":70}', { qos: 1 });
    await device.publishAsync(topicOf(id, 'vitals', 'fac-b'), '{"ts":2,"hr":70}', { qos: 1 });
    await vi.waitFor(() => expect(uplinks.some((u) => u.deviceId === id)).toBe(true));
    expect(uplinks.filter((u) => u.deviceId === id).map((u) => u.topic)).toEqual([topicOf(id, 'vitals', 'fac-b')]);
  });

  it('moving a device to another facility moves its ACL with it', async () => {
    const id = fresh('band');
    await provision(id, 'fac-a');
    const secret = await provision(id, 'fac-b');
    const { uplinks } = await platform();
    const device = await connect(id, secret);
    await device.publishAsync(topicOf(id, 'vitals', 'fac-a'), '{"ts":1,"hr":70}', { qos: 1 });
    await device.publishAsync(topicOf(id, 'vitals', 'fac-b'), '{"ts":2,"hr":70}', { qos: 1 });
    await vi.waitFor(() => expect(uplinks.some((u) => u.deviceId === id)).toBe(true));
    expect(uplinks.filter((u) => u.deviceId === id).map((u) => u.topic)).toEqual([topicOf(id, 'vitals', 'fac-b')]);
  });

  it('refuses ids that would put wildcards into an ACL, before asking Mosquitto', async () => {
    for (const deviceId of ['a/#', 'a+b', '']) {
      const err = await m.provisioner.provisionDevice({ deviceId, facilityId: FACILITY, secret: 's' }).catch((e) => e);
      expect(err).toBeInstanceOf(DynsecError);
      expect(err.code).toBe('DYNSEC_INVALID_ID');
    }
    const err = await m.provisioner.decommissionDevice('#').catch((e) => e);
    expect(err.code).toBe('DYNSEC_INVALID_ID');
  });

  it("surfaces Mosquitto's own errors", async () => {
    const [unknown, missing] = await m.provisioner.command([
      { command: 'noSuchCommand' },
      { command: 'getClient', username: 'nobody' },
    ]);
    expect(unknown).toEqual({ command: 'noSuchCommand', error: 'Unknown command' });
    expect(missing).toEqual({ command: 'getClient', error: 'Client not found' });
  });

  it('a provisioner without dynsec admin rights fails to start with DYNSEC_NOT_ADMIN', async () => {
    const impostor = new MosquittoProvisioner({ url: m.server.url, ...m.platform, logger: silentLogger() });
    const err = await impostor.start().catch((e) => e);
    await impostor.close();
    expect(err).toBeInstanceOf(DynsecError);
    expect(err.code).toBe('DYNSEC_NOT_ADMIN');
  });

  it('a closed provisioner refuses commands with DYNSEC_OFFLINE', async () => {
    const p = new MosquittoProvisioner({ url: m.server.url, ...m.server.admin, logger: silentLogger() });
    await p.start();
    await p.close();
    const err = await p.decommissionDevice('band-x').catch((e) => e);
    expect(err.code).toBe('DYNSEC_OFFLINE');
  });
});

describe.skipIf(skip)('external Mosquitto: dynsec config written without mosquitto_ctrl', () => {
  it('accepts the admin of our own initial JSON', async () => {
    if (!haveMosquitto) throw new Error(MOSQUITTO_INSTALL_HINT);
    const server = await startMosquitto({ init: 'json' });
    const provisioner = new MosquittoProvisioner({ url: server.url, ...server.admin, logger: silentLogger() });
    try {
      await provisioner.start();
      await provisioner.provisionDevice({ deviceId: 'band-1', facilityId: FACILITY, secret: 'a-secret' });
      const client = await mqtt.connectAsync(server.url, {
        username: 'band-1',
        password: 'a-secret',
        clientId: 'band-1',
        reconnectPeriod: 0,
      });
      await client.endAsync();
    } finally {
      await provisioner.close();
      await server.stop();
    }
  });
});
