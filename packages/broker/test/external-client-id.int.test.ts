import { randomBytes } from 'node:crypto';
import type { UplinkMessage } from '@vigil/engine';
import { silentLogger } from '@vigil/runtime';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { describe, expect, it, vi } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import { consumerClientId, deviceAcls, deviceRoleName, ExternalBroker } from '../src/index.ts';
import { DYNSEC_PLUGIN, MOSQUITTO, MOSQUITTO_INSTALL_HINT } from './mosquitto-server.ts';
import { useProvisionedMosquitto } from './provisioned-mosquitto.ts';

/**
 * contract §1 "the client id must equal the device id" on an external Mosquitto (issue 13, HIGH
 * "client-id takeover"): each device's dynsec client is bound to its client id, so a device can
 * neither connect under another device's id (and so drop that device's connection) nor under any id
 * but its own. Mosquitto refuses with 3.1.1 return code 5 "not authorized" (its plugin cannot answer 2).
 */
const skip = requireBinary([MOSQUITTO, DYNSEC_PLUGIN], MOSQUITTO_INSTALL_HINT, 'external broker client-id tests');

const FACILITY = 'fac-a';
const NOT_AUTHORIZED = 5;
const topicOf = (deviceId: string, channel: string) => `care/${FACILITY}/devices/${deviceId}/${channel}`;

describe.skipIf(skip)('external Mosquitto: client id = device id (contract §1)', () => {
  const m = useProvisionedMosquitto();
  let n = 0;
  const fresh = () => `band-c${++n}`;

  async function provision(deviceId: string): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await m.provisioner.provisionDevice({ deviceId, facilityId: FACILITY, secret });
    return secret;
  }

  async function connect(username: string, password: string, opts: Partial<IClientOptions> = {}): Promise<MqttClient> {
    const client = await mqtt.connectAsync(m.server.url, {
      username,
      password,
      clientId: username,
      reconnectPeriod: 0,
      protocolVersion: 4,
      ...opts,
    });
    m.clients.push(client);
    return client;
  }

  const outcome = (attempt: Promise<MqttClient>) =>
    attempt.then(
      () => 'connected' as const,
      (e: Error & { code?: number }) => e.code,
    );

  async function platform() {
    const uplinks: UplinkMessage[] = [];
    const broker = new ExternalBroker({
      url: m.server.url,
      ...m.platform,
      consumers: 1,
      onUplink: (msg) => {
        uplinks.push(msg);
      },
      logger: silentLogger(),
    });
    m.brokers.push(broker);
    await broker.start();
    return uplinks;
  }

  it("refuses a device using another device's client id; the victim stays connected and no Last Will goes out", async () => {
    const [a, b] = [fresh(), fresh()];
    const [secretA, secretB] = [await provision(a), await provision(b)];
    const uplinks = await platform();
    const will = { topic: topicOf(a, 'status'), payload: Buffer.from('{"state":"offline"}'), qos: 1 as const };
    const victim = await connect(a, secretA, { will });
    let victimClosed = false;
    victim.on('close', () => {
      victimClosed = true;
    });
    expect(await outcome(connect(b, secretB, { clientId: a }))).toBe(NOT_AUTHORIZED);
    await victim.publishAsync(topicOf(a, 'events'), '{"ts":1,"type":"sos"}', { qos: 1 });
    await vi.waitFor(() => expect(uplinks.filter((u) => u.deviceId === a)).toHaveLength(1));
    expect(victimClosed).toBe(false);
    expect(uplinks.filter((u) => u.deviceId === a).map((u) => u.topic)).toEqual([topicOf(a, 'events')]);
  });

  it('refuses a device under any client id but its own, and lets its own new connection replace the older one', async () => {
    const a = fresh();
    const secret = await provision(a);
    for (const clientId of [`${a}-2`, '', a.toUpperCase()]) {
      expect(await outcome(connect(a, secret, { clientId, clean: true })), clientId).toBe(NOT_AUTHORIZED);
    }
    const older = await connect(a, secret);
    const replaced = new Promise<void>((resolve) => older.once('close', () => resolve()));
    const newer = await connect(a, secret);
    await replaced;
    expect(newer.connected).toBe(true);
  });

  it('binds device clients provisioned before the binding, at start; idempotent; the platform login untouched', async () => {
    const legacy = fresh();
    const other = fresh();
    const secret = randomBytes(32).toString('base64url');
    // What provisionDevice did before: the device's role and a client without a client id.
    const made = await m.provisioner.command([
      { command: 'createRole', rolename: deviceRoleName(legacy), acls: deviceAcls('care', FACILITY, legacy) },
      { command: 'createClient', username: legacy, password: secret, roles: [{ rolename: deviceRoleName(legacy) }] },
    ]);
    expect(made.map((r) => r.error)).toEqual([undefined, undefined]);
    const otherSecret = await provision(other);
    // The hole: unbound, the legacy device could connect under another device's id.
    const victim = await connect(other, otherSecret);
    expect(await outcome(connect(legacy, secret, { clientId: other }))).toBe('connected');
    await vi.waitFor(() => expect(victim.connected).toBe(false));

    expect(await m.provisioner.bindDeviceClientIds()).toBeGreaterThanOrEqual(1);
    expect(await m.provisioner.bindDeviceClientIds()).toBe(0);
    expect(await outcome(connect(legacy, secret, { clientId: other }))).toBe(NOT_AUTHORIZED);
    expect(await outcome(connect(legacy, secret))).toBe('connected');
    // The platform's own login is no device's: not bound, its many connections still connect.
    await platform();
  });

  it("refuses to provision a device over the platform's login, the dynsec admin or the platform's client ids", async () => {
    for (const deviceId of [m.platform.username, m.server.admin.username, consumerClientId('engine-1', 'urgent')]) {
      const err = await provision(deviceId).catch((e: unknown) => e);
      expect(err, deviceId).toMatchObject({ name: 'DynsecError', code: 'DYNSEC_RESERVED_ID' });
    }
    // Both logins still work as before.
    await platform();
    await m.provisioner.applyDefaultAcl();
  });
});
