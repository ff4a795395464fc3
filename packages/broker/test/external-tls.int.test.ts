import { randomBytes } from 'node:crypto';
import type { UplinkMessage } from '@vigil/engine';
import { silentLogger } from '@vigil/runtime';
import { makeTestCa, OPENSSL, requireBinary, type TestCa } from '@vigil/testkit';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExternalBroker } from '../src/index.ts';
import { DYNSEC_PLUGIN, MOSQUITTO, MOSQUITTO_INSTALL_HINT } from './mosquitto-server.ts';
import { useProvisionedMosquitto } from './provisioned-mosquitto.ts';

/**
 * The compose file's Mosquitto over TLS (issue 13 item 7): a private Mosquitto 2 with the shipped
 * services/mosquitto/tls-listener.conf next to its plain listener, a CA made in the test. A device
 * provisioned by the platform logs in over TLS with the same secret and the same ACL as on 1883.
 */
const skip = requireBinary(
  [MOSQUITTO, DYNSEC_PLUGIN, OPENSSL],
  `${MOSQUITTO_INSTALL_HINT} and openssl`,
  'external broker over TLS',
);

const FACILITY = 'fac-a';
/** Mosquitto answers a refused 3.1.1 login with 5 "not authorized" (device-protocol.md). */
const NOT_AUTHORIZED = 5;
const topicOf = (deviceId: string, channel: string) => `care/${FACILITY}/devices/${deviceId}/${channel}`;

describe.skipIf(skip)('external Mosquitto: MQTT over TLS with the shipped listener', () => {
  let ca: TestCa | undefined;
  let rogue: TestCa | undefined;
  // Before the fixture's own hook, which starts Mosquitto with the certificates.
  beforeAll(async () => {
    [ca, rogue] = await Promise.all([makeTestCa(), makeTestCa('Someone Else CA')]);
  });
  const m = useProvisionedMosquitto({ mosquitto: () => ({ tls: { certDir: ca!.dir } }) });
  afterAll(async () => {
    await Promise.all([ca?.remove(), rogue?.remove()]);
  });

  let n = 0;
  const fresh = () => `tls-band-${++n}`;
  async function provision(deviceId: string): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await m.provisioner.provisionDevice({ deviceId, facilityId: FACILITY, secret });
    return secret;
  }
  /** Resolves on CONNACK accepted; rejects with the CONNACK code or the TLS error. */
  function overTls(deviceId: string, password: string, opts: Partial<IClientOptions> = {}): Promise<MqttClient> {
    const client = mqtt.connect(m.server.tlsUrl!, {
      username: deviceId,
      password,
      clientId: deviceId,
      ca: ca!.ca,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      protocolVersion: 4,
      ...opts,
    });
    m.clients.push(client);
    return new Promise((resolve, reject) => {
      client.once('connect', () => resolve(client));
      client.once('error', reject);
      client.once('close', () => reject(new Error('closed before CONNACK')));
    });
  }
  async function platform() {
    const uplinks: UplinkMessage[] = [];
    const broker = new ExternalBroker({
      url: m.server.url,
      ...m.platform,
      onUplink: (msg) => {
        uplinks.push(msg);
      },
      logger: silentLogger(),
    });
    m.brokers.push(broker);
    await broker.start();
    return uplinks;
  }

  it('delivers the vitals of a device that trusts the CA to the platform on the plain listener', async () => {
    const id = fresh();
    const uplinks = await platform();
    const device = await overTls(id, await provision(id));
    await device.publishAsync(topicOf(id, 'vitals'), '{"ts":1,"hr":72}', { qos: 1 });
    await vi.waitFor(() => expect(uplinks.map((u) => u.topic)).toContain(topicOf(id, 'vitals')));
  });

  it('refuses a wrong secret and an unknown device, as on 1883', async () => {
    const id = fresh();
    await provision(id);
    for (const [user, password] of [
      [id, 'wrong'],
      ['nobody', 'wrong'],
    ] as const) {
      const err = await overTls(user, password).catch((e: Error & { code?: number }) => e);
      expect(err).toMatchObject({ code: NOT_AUTHORIZED });
    }
  });

  it("drops a publish to another device's topic (the ACL of dynamic security applies on 8883)", async () => {
    const [a, b] = [fresh(), fresh()];
    await provision(b);
    const uplinks = await platform();
    const device = await overTls(a, await provision(a));
    await device.publishAsync(topicOf(b, 'vitals'), '{"ts":1,"hr":70}', { qos: 1 });
    await device.publishAsync(topicOf(a, 'vitals'), '{"ts":2,"hr":71}', { qos: 1 });
    await vi.waitFor(() => expect(uplinks.some((u) => u.topic === topicOf(a, 'vitals'))).toBe(true));
    expect(uplinks.filter((u) => u.deviceId === a || u.deviceId === b).map((u) => u.topic)).toEqual([
      topicOf(a, 'vitals'),
    ]);
  });

  it('a client that does not trust the CA does not get in', async () => {
    const id = fresh();
    const err = await overTls(id, await provision(id), { ca: rogue!.ca }).catch((e: NodeJS.ErrnoException) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as NodeJS.ErrnoException).code).toMatch(/CERT|VERIFY|SIGNATURE/);
  });
});
