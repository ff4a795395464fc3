import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestCa, OPENSSL, OPENSSL_INSTALL_HINT, requireBinary, type TestCa } from '@vigil/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const skip = requireBinary(OPENSSL, OPENSSL_INSTALL_HINT, 'MQTT TLS configuration');

/**
 * MQTT_TLS_CERT / MQTT_TLS_KEY / MQTTS_PORT / MQTT_WEBSOCKET (issue 13 item 7): real PEM files made by
 * openssl, read from disk; every problem listed together, never the files' content.
 */
describe.skipIf(skip)('MQTT TLS and WebSocket configuration', () => {
  let ca: TestCa;
  let otherKey: string;
  let notPem: string;

  beforeAll(async () => {
    ca = await makeTestCa();
    otherKey = join(ca.dir, 'other.key');
    notPem = join(ca.dir, 'not-pem.txt');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(otherKey, privateKey.export({ format: 'pem', type: 'pkcs8' }));
    await writeFile(notPem, 'hello\n');
  });
  afterAll(async () => {
    await ca?.remove();
  });

  const problems = (env: Record<string, string>) => {
    const r = loadConfig(env);
    return r.ok ? [] : r.problems;
  };

  it('is off by default, WebSocket on; a certificate and its key turn TLS on at 8883', () => {
    const none = loadConfig({});
    expect(none.ok && none.config.mqttTls).toBeUndefined();
    expect(none.ok && none.config.mqttWebSocket).toBe(true);
    const on = loadConfig({ MQTT_TLS_CERT: ca.serverCertFile, MQTT_TLS_KEY: ca.serverKeyFile });
    expect(on.ok && on.config.mqttTls).toEqual({ port: 8883, cert: ca.cert, key: ca.key });
  });

  it('lists every problem at once: half a pair, unreadable, not PEM, a key of another certificate', () => {
    expect(problems({ MQTT_TLS_CERT: ca.serverCertFile })).toEqual([
      'MQTT_TLS_CERT and MQTT_TLS_KEY must be set together (PEM files of the certificate and its key)',
    ]);
    expect(problems({ MQTT_TLS_CERT: '/nowhere/server.crt', MQTT_TLS_KEY: notPem, HTTP_PORT: 'x' })).toEqual([
      'HTTP_PORT: must be a port number from 0 to 65535 (0 picks a free port)',
      'MQTT_TLS_CERT: cannot read /nowhere/server.crt (ENOENT)',
      `MQTT_TLS_KEY: ${notPem} is not a PEM private key (or it is encrypted)`,
    ]);
    expect(problems({ MQTT_TLS_CERT: notPem, MQTT_TLS_KEY: ca.serverKeyFile })).toEqual([
      `MQTT_TLS_CERT: ${notPem} is not a PEM certificate`,
    ]);
    const mismatch = problems({ MQTT_TLS_CERT: ca.serverCertFile, MQTT_TLS_KEY: otherKey });
    expect(mismatch).toEqual(['MQTT_TLS_KEY is not the private key of the certificate in MQTT_TLS_CERT']);
    // Never the key material.
    for (const p of problems({ MQTT_TLS_CERT: ca.serverKeyFile, MQTT_TLS_KEY: ca.serverCertFile }))
      expect(p).not.toContain('BEGIN');
  });

  it('MQTTS_PORT needs the pair and its own port; with an external broker none of these apply', () => {
    const pair = { MQTT_TLS_CERT: ca.serverCertFile, MQTT_TLS_KEY: ca.serverKeyFile };
    expect(problems({ MQTTS_PORT: '8884' })).toEqual([
      'MQTTS_PORT needs MQTT_TLS_CERT and MQTT_TLS_KEY (MQTT over TLS is off without them)',
    ]);
    expect(problems({ ...pair, MQTTS_PORT: '1883' })).toEqual(['MQTTS_PORT and MQTT_PORT must differ']);
    expect(problems({ ...pair, MQTTS_PORT: '9000', HTTP_PORT: '9000' })).toEqual([
      'MQTTS_PORT and HTTP_PORT must differ',
    ]);
    const ok = loadConfig({ ...pair, MQTTS_PORT: '0', MQTT_PORT: '0' });
    expect(ok.ok && ok.config.mqttTls?.port).toBe(0);
    const external = {
      MQTT_URL: 'mqtt://mosquitto:1883',
      MQTT_USERNAME: 'vigil-engine',
      MQTT_PASSWORD: 'engine-password',
      MQTT_ADMIN_USERNAME: 'admin',
      MQTT_ADMIN_PASSWORD: 'admin-password',
    };
    expect(problems({ ...external, ...pair, MQTT_WEBSOCKET: 'true' })).toEqual([
      'MQTT_TLS_CERT is for the embedded broker: with MQTT_URL, configure TLS in Mosquitto',
      'MQTT_TLS_KEY is for the embedded broker: with MQTT_URL, configure TLS in Mosquitto',
      'MQTT_WEBSOCKET is for the embedded broker: with MQTT_URL, configure WebSocket in Mosquitto',
    ]);
    expect(problems({ ...external, MQTT_WEBSOCKET: 'false' })).toEqual([]);
    expect(problems({ MQTT_WEBSOCKET: 'maybe' })).toEqual(['MQTT_WEBSOCKET: must be true or false']);
  });

  it('MQTT_TLS_CLIENT_CA: a PEM certificate, with the pair', () => {
    const pair = { MQTT_TLS_CERT: ca.serverCertFile, MQTT_TLS_KEY: ca.serverKeyFile };
    const on = loadConfig({ ...pair, MQTT_TLS_CLIENT_CA: ca.caCertFile });
    expect(on.ok && on.config.mqttTls?.clientCa).toEqual(ca.ca);
    expect(problems({ MQTT_TLS_CLIENT_CA: ca.caCertFile })).toEqual([
      'MQTT_TLS_CLIENT_CA needs MQTT_TLS_CERT and MQTT_TLS_KEY',
    ]);
    expect(problems({ ...pair, MQTT_TLS_CLIENT_CA: notPem })).toEqual([
      `MQTT_TLS_CLIENT_CA: ${notPem} is not a PEM certificate`,
    ]);
    expect(problems({ ...pair, MQTT_TLS_CLIENT_CA: '/nowhere/ca.crt' })).toEqual([
      'MQTT_TLS_CLIENT_CA: cannot read /nowhere/ca.crt (ENOENT)',
    ]);
  });
});
