import { randomBytes } from 'node:crypto';
import { silentLogger } from '@vigil/runtime';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { BackoffOptions } from '../src/external/backoff.ts';
import { type ExternalBroker, MosquittoProvisioner } from '../src/index.ts';
import {
  haveMosquitto,
  MOSQUITTO_INSTALL_HINT,
  type MosquittoServer,
  type StartMosquittoOptions,
  startMosquitto,
} from './mosquitto-server.ts';

/**
 * The set-up every external-broker suite shares, registered on the calling `describe`: a private
 * Mosquitto 2 with dynamic security, a provisioner with the default ACL applied, the platform's own
 * login (`platform`), and the device clients and `ExternalBroker`s a test opens (push them to
 * `clients` / `brokers`), closed after each test. In CI a missing Mosquitto fails, never skips.
 */
export function useProvisionedMosquitto(
  opts: { provisionerReconnect?: BackoffOptions; mosquitto?: () => StartMosquittoOptions } = {},
) {
  let server: MosquittoServer | undefined;
  let provisioner: MosquittoProvisioner | undefined;
  const fixture = {
    platform: { username: 'vigil-engine', password: randomBytes(16).toString('base64url') },
    clients: [] as MqttClient[],
    brokers: [] as ExternalBroker[],
    get server(): MosquittoServer {
      if (!server) throw new Error('Mosquitto is not started (use the fixture inside its describe)');
      return server;
    },
    get provisioner(): MosquittoProvisioner {
      if (!provisioner) throw new Error('the provisioner is not started (use the fixture inside its describe)');
      return provisioner;
    },
  };

  beforeAll(async () => {
    if (!haveMosquitto) throw new Error(MOSQUITTO_INSTALL_HINT);
    server = await startMosquitto(opts.mosquitto?.());
    provisioner = new MosquittoProvisioner({
      url: server.url,
      ...server.admin,
      ...(opts.provisionerReconnect && { reconnect: opts.provisionerReconnect }),
      logger: silentLogger(),
    });
    await provisioner.start();
    await provisioner.applyDefaultAcl();
    await provisioner.ensurePlatformClient(fixture.platform);
  });

  afterEach(async () => {
    await Promise.all(fixture.clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
    await Promise.all(fixture.brokers.splice(0).map((b) => b.close()));
  });

  afterAll(async () => {
    await provisioner?.close();
    await server?.stop();
  });

  return fixture;
}
