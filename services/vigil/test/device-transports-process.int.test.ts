import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTestCa, OPENSSL, OPENSSL_INSTALL_HINT, requireBinary, type TestCa } from '@vigil/testkit';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOnce } from './device-transports.ts';
import { createPlatformClient } from './harness.ts';
import { startVigilProcess, type VigilProcess } from './vigil-process.ts';

const skip = requireBinary(OPENSSL, OPENSSL_INSTALL_HINT, 'MQTT over TLS in the vigil process');
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * main.ts configured by environment alone (contract §5): MQTTS_PORT=0 picks a free port, named in the
 * `listening` line as `mqtts`, where a device connects with the CA; invalid TLS settings stop the
 * start with every problem listed and exit code 1.
 */
describe.skipIf(skip)('MQTT over TLS in the vigil process', () => {
  let ca: TestCa;
  let vigil: VigilProcess | undefined;
  const opened: MqttClient[] = [];

  beforeAll(async () => {
    ca = await makeTestCa();
  });
  afterAll(async () => {
    for (const c of opened) c.end(true);
    await vigil?.proc.stop();
    await ca?.remove();
  });

  it('logs the mqtts port it bound, where a device trusting the CA connects', async () => {
    vigil = await startVigilProcess('vigil-mqtts', {
      MQTT_TLS_CERT: ca.serverCertFile,
      MQTT_TLS_KEY: ca.serverKeyFile,
      MQTTS_PORT: '0',
      LOG_LEVEL: 'info',
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'admin-pass-123',
    });
    const line = vigil.proc
      .output()
      .split('\n')
      .map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : undefined))
      .find((l) => l?.msg === 'listening');
    expect(line).toMatchObject({ http: expect.any(Number), mqtt: vigil.mqttPort, mqtts: expect.any(Number) });
    const mqttsPort = line?.mqtts as number;
    expect(mqttsPort).toBeGreaterThan(0);
    const p = createPlatformClient(vigil.httpUrl, `mqtt://127.0.0.1:${vigil.mqttPort}`);
    const { devices } = await p.provision(1);
    const { deviceId, secret } = devices[0]!;
    const client = await connectOnce(
      `mqtts://127.0.0.1:${mqttsPort}`,
      { username: deviceId, password: secret, clientId: deviceId, ca: ca.ca },
      opened,
    );
    await client.publishAsync(`care/f1/devices/${deviceId}/vitals`, JSON.stringify({ ts: Date.now(), hr: 72 }), {
      qos: 1,
    });
    p.closeClients();
  });

  it('refuses to start on invalid TLS settings, listing every problem, exit code 1', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'services/vigil/src/main.ts'], {
      cwd: REPO,
      env: {
        PATH: process.env.PATH,
        DEMO: 'false',
        HTTP_PORT: '0',
        MQTT_PORT: '0',
        MQTT_TLS_CERT: '/nowhere/server.crt',
        MQTT_TLS_KEY: ca.caCertFile,
        MQTT_WEBSOCKET: 'sometimes',
      },
      timeout: 60_000,
    });
    const err = (await run.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number; stderr?: string } | undefined;
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain('Invalid configuration:');
    expect(err?.stderr).toContain('MQTT_WEBSOCKET: must be true or false');
    expect(err?.stderr).toContain('MQTT_TLS_CERT: cannot read /nowhere/server.crt (ENOENT)');
    expect(err?.stderr).toContain(`MQTT_TLS_KEY: ${ca.caCertFile} is not a PEM private key`);
    expect(err?.stderr).not.toContain('BEGIN CERTIFICATE');
  });
});
