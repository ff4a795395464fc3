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

  const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8')) as {
    services: Record<string, ComposeService>;
  };
  const vigil = compose.services.vigil;

  it('parses, builds the platform from its Dockerfile and waits for a healthy Redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['influxdb', 'mosquitto', 'redis', 'vigil']);
    expect(vigil?.build?.dockerfile).toBe('services/vigil/Dockerfile');
    expect(existsSync(`${root}${vigil?.build?.dockerfile}`)).toBe(true);
    for (const dep of ['redis', 'influxdb', 'mosquitto']) {
      expect(vigil?.depends_on?.[dep]?.condition).toBe('service_healthy');
      expect(compose.services[dep]?.healthcheck).toBeDefined();
    }
    // Third-party images are pinned to a version, never `latest`.
    expect(compose.services.redis?.image).toMatch(/^redis:\d+\.\d+/);
    expect(compose.services.influxdb?.image).toMatch(/^influxdb:2\.\d+/);
    expect(compose.services.mosquitto?.image).toMatch(/^eclipse-mosquitto:2\.\d+/);
  });

  it('names only real configuration keys, and they pass the platform config validation', () => {
    const env = vigil?.environment ?? {};
    const known = Object.keys(EnvSchema.shape);
    expect(Object.keys(env).filter((k) => !known.includes(k))).toEqual([]);
    const sample = {
      JWT_SECRET: 'x'.repeat(64),
      ADMIN_PASSWORD: 'a-long-password',
      INFLUX_TOKEN: 't'.repeat(32),
      MQTT_PASSWORD: 'engine-password',
      MQTT_ADMIN_PASSWORD: 'admin-password',
    };
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(String(v), sample)]));
    const config = loadConfig(resolved);
    expect(config).toMatchObject({ ok: true });
    if (!config.ok) return;
    expect(config.config.redis).toEqual({ url: 'redis://redis:6379/0', keyPrefix: 'vigil:' });
    expect(config.config.influx).toMatchObject({ url: 'http://influxdb:8086', bucket: 'vitals', database: 'vitals' });
    expect(config.config.mqtt).toMatchObject({ url: 'mqtt://mosquitto:1883', username: 'vigil-engine' });
    // The platform's dynamic-security admin is the one Mosquitto is initialised with.
    const mosquittoEnv = compose.services.mosquitto?.environment ?? {};
    expect(mosquittoEnv.MQTT_ADMIN_USERNAME).toBe(env.MQTT_ADMIN_USERNAME);
    expect(mosquittoEnv.MQTT_ADMIN_PASSWORD).toBe(env.MQTT_ADMIN_PASSWORD);
    // The platform's token is the one InfluxDB is set up with.
    expect(compose.services.influxdb?.environment?.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN).toBe(env.INFLUX_TOKEN);
  });
});
