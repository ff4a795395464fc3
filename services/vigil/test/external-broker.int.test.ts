import type { AlertEnvelope } from '@vigil/contracts';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import {
  DYNSEC_PLUGIN,
  haveMosquitto,
  MOSQUITTO,
  MOSQUITTO_INSTALL_HINT,
  type MosquittoServer,
  startMosquitto,
} from '../../../packages/broker/test/mosquitto-server.ts';
import { type Platform, startPlatform } from './harness.ts';

const skip = requireBinary([MOSQUITTO, DYNSEC_PLUGIN], MOSQUITTO_INSTALL_HINT, 'platform external-broker test');

/**
 * Issue 5 "external broker", through the whole platform: with `MQTT_URL` the platform provisions each
 * device into a real Mosquitto's dynamic security when it is created over REST, consumes through the
 * shared subscription, and an SOS from the device reaches a caregiver board. Mosquitto refuses a wrong
 * secret and a decommissioned device.
 */
describe.skipIf(skip)('the platform on an external Mosquitto', () => {
  let mosquitto: MosquittoServer;
  let p: Platform;

  beforeAll(async () => {
    if (!haveMosquitto) throw new Error(MOSQUITTO_INSTALL_HINT);
    mosquitto = await startMosquitto();
    p = await startPlatform({
      mqtt: {
        url: mosquitto.url,
        username: 'vigil-engine',
        password: 'engine-password-123',
        adminUsername: mosquitto.admin.username,
        adminPassword: mosquitto.admin.password,
        shareGroup: 'vigil',
      },
    });
  });
  afterAll(async () => {
    await p?.stop();
    await mosquitto?.stop();
  });

  const connect = (username: string, password: string) =>
    mqtt.connectAsync(mosquitto.url, {
      username,
      password,
      clientId: username,
      reconnectPeriod: 0,
      protocolVersion: 4,
    });

  it('provisions devices into Mosquitto, ingests through it, and refuses what it must', async () => {
    const { admin, devices } = await p.provision(1);
    const { deviceId, secret, residentId } = devices[0]!;
    const board = await p.connectBoard(await p.login('carer1', 'carer-pass-123'));
    const raised = new Promise<AlertEnvelope>((resolve) =>
      board.on('alert', (e) => {
        if (e.type === 'alert.raised') resolve(e);
      }),
    );
    const wearable = await connect(deviceId, secret);
    await wearable.publishAsync(`care/f1/devices/${deviceId}/events`, JSON.stringify({ ts: Date.now(), type: 'sos' }), {
      qos: 1,
    });
    const e = await raised;
    expect(e.data).toMatchObject({ kind: 'sos', residentId, deviceId });
    await wearable.endAsync();

    await expect(connect(deviceId, 'not-the-secret')).rejects.toThrow(/[Nn]ot authori[sz]ed/);
    expect((await p.api('DELETE', `/api/devices/${deviceId}`, admin)).status).toBeLessThan(300);
    await expect
      .poll(
        async () =>
          connect(deviceId, secret).then(
            (c) => c.endAsync().then(() => 'connected'),
            () => 'refused',
          ),
        { timeout: 5000 },
      )
      .toBe('refused');
  });

  it("refuses a device id that is the platform's login or one of its client ids (409), and keeps working", async () => {
    const admin = await p.login('admin', 'admin-pass-123');
    for (const id of ['vigil-engine', mosquitto.admin.username, 'vigil-engine-e1-urgent']) {
      const r = await p.api<{ error: { code: string } }>('POST', '/api/devices', admin, {
        id,
        facilityId: 'f1',
        kind: 'sensor',
      });
      expect(r.status, id).toBe(409);
    }
    // The platform's own login was not replaced: a new device still connects and is ingested.
    const d = await p.must<{ id: string; secret: string }>('POST', '/api/devices', admin, {
      id: 'sensor-after',
      facilityId: 'f1',
      kind: 'sensor',
    });
    const sensor = await connect(d.id, d.secret);
    await sensor.publishAsync(`care/f1/devices/${d.id}/telemetry`, JSON.stringify({ ts: Date.now(), smoke: false }), {
      qos: 1,
    });
    await expect
      .poll(async () => (await p.app.stores.counters.get(d.id)).accepted, { timeout: 5000 })
      .toBeGreaterThanOrEqual(1);
    await sensor.endAsync();
  });
});
