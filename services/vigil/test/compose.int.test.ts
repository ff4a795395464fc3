import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EnvSchema, loadConfig } from '../src/config.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
  restart?: string;
}

/** `${VAR:?message}` and `${VAR:-default}` as docker compose substitutes them, with sample values. */
function substitute(value: string, sample: Record<string, string>): string {
  return value.replace(
    /\$\{(\w+)(?::[-?]([^}]*))?\}/g,
    (_, name: string, fallback?: string) => sample[name] ?? fallback ?? '',
  );
}

describe('docker-compose.yml', () => {
  it("ships Mosquitto's configuration: dynamic security, no anonymous logins", () => {
    const conf = readFileSync(`${root}services/mosquitto/mosquitto.conf`, 'utf8');
    expect(conf).toMatch(/^allow_anonymous false$/m);
    expect(conf).toMatch(/^plugin \/usr\/lib\/mosquitto_dynamic_security\.so$/m);
    expect(existsSync(`${root}services/mosquitto/entrypoint.sh`)).toBe(true);
  });

  it('serves MQTT over TLS on 8883 from a mounted certificate volume, with the same authentication and ACL', () => {
    const conf = readFileSync(`${root}services/mosquitto/mosquitto.conf`, 'utf8');
    // One plugin for every listener: the device logins and ACLs apply on 8883 as on 1883.
    expect(conf).toMatch(/^per_listener_settings false$/m);
    const tls = readFileSync(`${root}services/mosquitto/tls-listener.conf`, 'utf8');
    expect(tls).toMatch(/^listener 8883$/m);
    expect(tls).toMatch(/^certfile \/mosquitto\/certs\/server\.crt$/m);
    expect(tls).toMatch(/^keyfile \/mosquitto\/certs\/server\.key$/m);
    const entrypoint = readFileSync(`${root}services/mosquitto/entrypoint.sh`, 'utf8');
    expect(entrypoint).toContain('/mosquitto/config/tls-listener.conf');
    // It parses as a POSIX shell script (what the image's /bin/sh runs).
    expect(() => execFileSync('sh', ['-n', `${root}services/mosquitto/entrypoint.sh`])).not.toThrow();
    const mosquitto = compose.services.mosquitto as ComposeService & { volumes?: string[]; ports?: string[] };
    expect(mosquitto.ports).toEqual(expect.arrayContaining(['1883:1883', '8883:8883']));
    // MQTT_TLS_DIR unset: ./certs/mqtt (git-ignored) next to the compose file.
    expect(mosquitto.volumes?.map((v) => substitute(v, sample))).toContain('./certs/mqtt:/mosquitto/certs:ro');
  });

  const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService & { deploy?: { replicas?: number }; profiles?: string[] }>;
  };
  const engines = ['engine-1', 'engine-2'] as const;
  const vigilServices = [...engines, 'gateway-1', 'gateway-2'] as const;
  const sample = {
    JWT_SECRET: 'x'.repeat(64),
    ADMIN_PASSWORD: 'a-long-password',
    INFLUX_TOKEN: 't'.repeat(32),
    MQTT_PASSWORD: 'engine-password',
    MQTT_ADMIN_PASSWORD: 'admin-password',
    ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    DEVICE_SECRET_PEPPER: Buffer.alloc(32, 2).toString('base64'),
  };
  const envOf = (name: string) => compose.services[name]?.environment ?? {};
  const resolve = (env: Record<string, string>) =>
    Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(String(v), sample)]));

  it('parses: two engine workers, two gateways behind Caddy, the infrastructure, optional Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['caddy', ...engines, 'gateway-1', 'gateway-2', 'grafana', 'influxdb', 'mosquitto', 'redis'].sort(),
    );
    expect(compose.services.grafana?.profiles).toEqual(['grafana']);
    for (const name of vigilServices) {
      const service = compose.services[name];
      expect(service?.build?.dockerfile, name).toBe('services/vigil/Dockerfile');
      for (const dep of ['redis', 'influxdb', 'mosquitto'])
        expect(service?.depends_on?.[dep]?.condition, `${name} → ${dep}`).toBe('service_healthy');
    }
    expect(existsSync(`${root}services/vigil/Dockerfile`)).toBe(true);
    for (const dep of ['redis', 'influxdb', 'mosquitto']) expect(compose.services[dep]?.healthcheck).toBeDefined();
    // Third-party images are pinned to a version, never `latest`.
    expect(compose.services.redis?.image).toMatch(/^redis:\d+\.\d+/);
    expect(compose.services.influxdb?.image).toMatch(/^influxdb:2\.\d+/);
    expect(compose.services.mosquitto?.image).toMatch(/^eclipse-mosquitto:2\.\d+/);
    expect(compose.services.caddy?.image).toMatch(/^caddy:\d+\.\d+/);
    expect(compose.services.grafana?.image).toMatch(/^grafana\/grafana-oss:\d+\.\d+/);
  });

  it('names only real configuration keys, and each process passes the platform config validation', () => {
    const known = Object.keys(EnvSchema.shape);
    for (const name of vigilServices) {
      const env = envOf(name);
      expect(
        Object.keys(env).filter((k) => !known.includes(k)),
        name,
      ).toEqual([]);
      const config = loadConfig(resolve(env));
      expect(config, name).toMatchObject({ ok: true });
      if (!config.ok) continue;
      expect(config.config.role).toBe(name.startsWith('engine') ? 'engine' : 'gateway');
      expect(config.config.demo).toBe(false);
      expect(config.config.redis).toEqual({
        url: 'redis://redis:6379/0',
        keyPrefix: 'vigil:',
        encryptionKey: Buffer.alloc(32, 1),
        encryptionAlgorithm: 'aes-256-gcm',
      });
      // Every process seals with the same algorithm.
      expect(env.ENCRYPTION_ALGORITHM).toBe(envOf('engine-1').ENCRYPTION_ALGORITHM);
      // Every process seals and opens with the same key.
      expect(env.ENCRYPTION_KEY).toBe(envOf('engine-1').ENCRYPTION_KEY);
      expect(config.config.influx).toMatchObject({ url: 'http://influxdb:8086', bucket: 'vitals', database: 'vitals' });
      expect(config.config.mqtt).toMatchObject({ url: 'mqtt://mosquitto:1883', username: 'vigil-engine' });
      // Every process verifies the same tokens, and hashes device secrets under the same pepper.
      expect(env.JWT_SECRET).toBe(envOf('engine-1').JWT_SECRET);
      expect(env.DEVICE_SECRET_PEPPER).toBe(envOf('engine-1').DEVICE_SECRET_PEPPER);
      expect(config.config.devicePeppers).toEqual([Buffer.alloc(32, 2)]);
      // The platform's dynamic-security admin is the one Mosquitto is initialised with.
      expect(envOf('mosquitto').MQTT_ADMIN_USERNAME).toBe(env.MQTT_ADMIN_USERNAME);
      expect(envOf('mosquitto').MQTT_ADMIN_PASSWORD).toBe(env.MQTT_ADMIN_PASSWORD);
      // The platform's token is the one InfluxDB is set up with.
      expect(envOf('influxdb').DOCKER_INFLUXDB_INIT_ADMIN_TOKEN).toBe(env.INFLUX_TOKEN);
    }
  });

  it('puts every gateway behind Caddy, and points Grafana at the vitals bucket', () => {
    const caddyfile = readFileSync(`${root}services/caddy/Caddyfile`, 'utf8');
    for (const name of ['gateway-1', 'gateway-2']) expect(caddyfile).toContain(`${name}:8080`);
    expect(caddyfile).toMatch(/health_uri \/readyz/);
    const datasource = parse(readFileSync(`${root}services/grafana/provisioning/datasources/influxdb.yml`, 'utf8')) as {
      datasources: { url: string; jsonData: { dbName: string } }[];
    };
    expect(datasource.datasources[0]).toMatchObject({
      url: 'http://influxdb:8086',
      jsonData: { dbName: envOf('engine-1').INFLUX_DATABASE },
    });
    expect(envOf('grafana').INFLUX_TOKEN).toBe(envOf('engine-1').INFLUX_TOKEN);
  });

  it('gives every engine its own stable identity and a restart policy (its MQTT sessions wait for it)', () => {
    const ids = engines.map((name) => {
      const config = loadConfig(resolve(envOf(name)));
      expect(compose.services[name]?.restart, name).toBe('unless-stopped');
      expect(compose.services[name]?.deploy?.replicas, `${name} must not be scaled: replicas share one id`).toBe(
        undefined,
      );
      return config.ok ? config.config.mqtt?.engineId : undefined;
    });
    expect(ids).toEqual([...engines]);
  });
});
