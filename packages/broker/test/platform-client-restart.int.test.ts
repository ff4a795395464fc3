import { randomBytes } from 'node:crypto';
import { requireBinary } from '@vigil/testkit';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { type DynsecAcl, platformAcls, sameAcls } from '../src/external/dynsec-acl.ts';
import { DYNSEC_PLUGIN, MOSQUITTO, MOSQUITTO_INSTALL_HINT } from './mosquitto-server.ts';
import { useProvisionedMosquitto } from './provisioned-mosquitto.ts';

/**
 * Every Vigil process ensures the platform's Mosquitto login when it starts (services/vigil/src/mqtt.ts).
 * Mosquitto's dynamic security disconnects every connection of a client whose record is modified, and
 * all engines log in as that one client: an engine starting, restarting or scaling out must not cut
 * the connections of the engines already running (measured before: one engine's 17 consumer
 * connections lost at once when the second engine started).
 */
const skip = requireBinary([MOSQUITTO, DYNSEC_PLUGIN], MOSQUITTO_INSTALL_HINT, 'platform client restart tests');

describe.skipIf(skip)('external Mosquitto: ensuring the platform login again', () => {
  const m = useProvisionedMosquitto();

  async function connectAsPlatform(password = m.platform.password) {
    const client = await mqtt.connectAsync(m.server.url, {
      username: m.platform.username,
      password,
      clientId: `vigil-engine-test-${randomBytes(4).toString('hex')}`,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    m.clients.push(client);
    let closed = false;
    client.on('close', () => {
      closed = true;
    });
    return { client, closed: () => closed };
  }

  /** Long enough for Mosquitto to act on a dynsec command and the close to reach the client. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

  it("leaves the running engines' connections alone when nothing changed", async () => {
    const running = await connectAsPlatform();
    await m.provisioner.ensurePlatformClient(m.platform);
    await settle();
    expect(running.closed()).toBe(false);
    expect(running.client.connected).toBe(true);
  });

  it('applies a new platform password: the old one is refused from then on, the new one logs in', async () => {
    const running = await connectAsPlatform();
    const next = { ...m.platform, password: randomBytes(16).toString('base64url') };
    await m.provisioner.ensurePlatformClient(next);
    await settle();
    // Logged in under a password no longer valid: Mosquitto ends it, as it should.
    expect(running.closed()).toBe(true);
    await expect(connectAsPlatform()).rejects.toThrow();
    const renewed = await connectAsPlatform(next.password);
    expect(renewed.client.connected).toBe(true);
    m.platform.password = next.password;
  });

  it('puts back platform ACLs changed behind its back, without a restart of its own', async () => {
    await m.provisioner.command([{ command: 'modifyRole', rolename: 'vigil-platform', acls: [] }]);
    const running = await connectAsPlatform();
    await m.provisioner.ensurePlatformClient(m.platform);
    const role = await m.provisioner.command([{ command: 'getRole', rolename: 'vigil-platform' }]);
    const acls = (role[0]?.data as { role?: { acls?: DynsecAcl[] } } | undefined)?.role?.acls ?? [];
    expect(sameAcls(acls, platformAcls('care'))).toBe(true);
    await settle();
    expect(running.client.connected).toBe(true);
  });
});
