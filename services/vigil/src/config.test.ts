import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('uses the embedded defaults of contract §5', () => {
    const r = loadConfig({});
    expect(r.ok && r.config).toMatchObject({
      httpPort: 8080,
      mqttPort: 1883,
      demo: true,
      simulator: true,
      topicPrefix: 'care',
    });
  });

  it('reads DEMO=false, ports and the first admin', () => {
    const r = loadConfig({
      DEMO: 'false',
      HTTP_PORT: '0',
      MQTT_PORT: '0',
      ADMIN_USERNAME: 'root',
      ADMIN_PASSWORD: 'long-enough',
    });
    expect(r.ok && r.config).toMatchObject({
      demo: false,
      simulator: false,
      httpPort: 0,
      mqttPort: 0,
      adminUsername: 'root',
    });
  });

  it('lists every problem at once', () => {
    const r = loadConfig({
      HTTP_PORT: 'abc',
      MQTT_PORT: '70000',
      DEMO: 'maybe',
      JWT_SECRET: 'short',
      REDIS_URL: 'http://not-redis',
      SIM_SCENARIO: 'zombies',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['HTTP_PORT', 'MQTT_PORT', 'DEMO', 'JWT_SECRET', 'REDIS_URL', 'SIM_SCENARIO']),
    );
    expect(r.problems).toContain('HTTP_PORT: must be a port number from 0 to 65535 (0 picks a free port)');
    expect(r.problems).toContain('MQTT_PORT: must be a port number from 0 to 65535 (0 picks a free port)');
  });

  it('takes REDIS_URL with a key prefix, and then needs a shared JWT_SECRET', () => {
    expect(loadConfig({ REDIS_URL: 'redis://redis:6379/0' })).toEqual({
      ok: false,
      problems: ['JWT_SECRET is required with REDIS_URL (every process must verify the same tokens)'],
    });
    const r = loadConfig({
      REDIS_URL: 'redis://redis:6379/0',
      JWT_SECRET: 'x'.repeat(32),
      REDIS_KEY_PREFIX: 'lakeside:',
    });
    expect(r.ok && r.config.redis).toEqual({ url: 'redis://redis:6379/0', keyPrefix: 'lakeside:' });
  });

  it('takes a TSDB for the vitals history, which needs a bucket or a database', () => {
    expect(loadConfig({ INFLUX_URL: 'http://influxdb:8086' })).toEqual({
      ok: false,
      problems: ['INFLUX_BUCKET or INFLUX_DATABASE is required with INFLUX_URL'],
    });
    const r = loadConfig({ INFLUX_URL: 'http://vm:8428', INFLUX_DATABASE: 'vigil', INFLUX_WRITE_API: 'v1' });
    expect(r.ok && r.config.influx).toEqual({ url: 'http://vm:8428', database: 'vigil', writeApi: 'v1' });
    expect(loadConfig({ INFLUX_URL: 'influx:8086' })).toMatchObject({ ok: false });
  });

  it('takes an external broker with the platform and dynamic-security logins', () => {
    const r = loadConfig({ MQTT_URL: 'mqtt://mosquitto:1883' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toEqual([
        'MQTT_USERNAME is required with MQTT_URL',
        'MQTT_PASSWORD is required with MQTT_URL',
        'MQTT_ADMIN_USERNAME is required with MQTT_URL',
        'MQTT_ADMIN_PASSWORD is required with MQTT_URL',
      ]);
    const ok = loadConfig({
      MQTT_URL: 'mqtt://mosquitto:1883',
      MQTT_USERNAME: 'vigil-engine',
      MQTT_PASSWORD: 'engine-password',
      MQTT_ADMIN_USERNAME: 'admin',
      MQTT_ADMIN_PASSWORD: 'admin-password',
    });
    expect(ok.ok && ok.config.mqtt).toMatchObject({ url: 'mqtt://mosquitto:1883', shareGroup: 'vigil' });
  });

  it('requires the admin username and password together', () => {
    const r = loadConfig({ ADMIN_USERNAME: 'root' });
    expect(r).toEqual({ ok: false, problems: ['ADMIN_USERNAME and ADMIN_PASSWORD must be set together'] });
  });

  it('splits roles only on shared Redis and an external broker; the demo stays with role all', () => {
    const all = loadConfig({});
    expect(all.ok && all.config).toMatchObject({ role: 'all' });
    const alone = loadConfig({ VIGIL_ROLE: 'engine', DEMO: 'true' });
    expect(alone.ok).toBe(false);
    if (!alone.ok)
      expect(alone.problems).toEqual([
        'REDIS_URL is required with VIGIL_ROLE=engine (processes share state there)',
        'MQTT_URL is required with VIGIL_ROLE=engine (processes share an external broker)',
        'DEMO=true needs VIGIL_ROLE=all or gateway (the demo is seeded and simulated there)',
      ]);
    expect(loadConfig({ VIGIL_ROLE: 'worker' }).ok).toBe(false);
    const shared = {
      REDIS_URL: 'redis://redis:6379/0',
      JWT_SECRET: 's'.repeat(32),
      MQTT_URL: 'mqtt://mosquitto:1883',
      MQTT_USERNAME: 'vigil-engine',
      MQTT_PASSWORD: 'engine-password',
      MQTT_ADMIN_USERNAME: 'admin',
      MQTT_ADMIN_PASSWORD: 'admin-password',
    };
    // Split roles default to no demo (several gateways would each seed and simulate one).
    const engine = loadConfig({ ...shared, VIGIL_ROLE: 'engine' });
    expect(engine.ok && engine.config).toMatchObject({ role: 'engine', demo: false, simulator: false });
    const gateway = loadConfig({ ...shared, VIGIL_ROLE: 'gateway', DEMO: 'true' });
    expect(gateway.ok && gateway.config).toMatchObject({ role: 'gateway', demo: true });
  });
});
