import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const KEY = Buffer.alloc(32, 9);
const KEY_B64 = KEY.toString('base64');
const PEPPER = Buffer.alloc(32, 5);
const PEPPER_B64 = PEPPER.toString('base64');

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
      ADMIN_PASSWORD: 'long-enough-password',
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

  it('bounds argon2id work as configured, the queue following the concurrency, and reports bad values', () => {
    const set = loadConfig({ ARGON2_MAX_CONCURRENT: '3' });
    expect(set.ok && set.config.argon2).toEqual({ maxConcurrent: 3, maxQueued: 24, maxWaitMs: 500 });
    const all = loadConfig({ ARGON2_MAX_CONCURRENT: '2', ARGON2_MAX_QUEUED: '0', ARGON2_MAX_WAIT_MS: '250' });
    expect(all.ok && all.config.argon2).toEqual({ maxConcurrent: 2, maxQueued: 0, maxWaitMs: 250 });
    const bad = loadConfig({
      ARGON2_MAX_CONCURRENT: '0',
      ARGON2_MAX_QUEUED: 'lots',
      ARGON2_MAX_WAIT_MS: '1',
      HTTP_PORT: 'x',
    });
    expect(bad.ok ? [] : bad.problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['ARGON2_MAX_CONCURRENT', 'ARGON2_MAX_QUEUED', 'ARGON2_MAX_WAIT_MS', 'HTTP_PORT']),
    );
  });

  it('takes TRUST_PROXY as addresses and CIDR blocks, and names a bad one', () => {
    const r = loadConfig({ TRUST_PROXY: '10.0.0.5, 172.16.0.0/12,fd00::/8' });
    expect(r.ok && r.config.trustProxy).toEqual(['10.0.0.5', '172.16.0.0/12', 'fd00::/8']);
    const none = loadConfig({});
    expect(none.ok && none.config.trustProxy).toBeUndefined();
    for (const bad of ['proxy.local', '10.0.0.0/33', '10.0.0.1/8/2', '*'])
      expect(loadConfig({ TRUST_PROXY: bad })).toEqual({
        ok: false,
        problems: ['TRUST_PROXY: must be IP addresses or CIDR blocks separated by commas, e.g. 10.0.0.5,172.16.0.0/12'],
      });
  });

  it('takes REDIS_URL with a key prefix, and then needs a shared JWT_SECRET, an encryption key and a pepper', () => {
    expect(loadConfig({ REDIS_URL: 'redis://redis:6379/0' })).toEqual({
      ok: false,
      problems: [
        'JWT_SECRET is required with REDIS_URL (every process must verify the same tokens)',
        'ENCRYPTION_KEY or ENCRYPTION_KEY_FILE is required with REDIS_URL (health data is encrypted at rest)',
        'DEVICE_SECRET_PEPPER or DEVICE_SECRET_PEPPER_FILE is required with REDIS_URL (the device secret hashes kept there verify only under it)',
      ],
    });
    const r = loadConfig({
      REDIS_URL: 'redis://redis:6379/0',
      JWT_SECRET: 'x'.repeat(32),
      REDIS_KEY_PREFIX: 'lakeside:',
      ENCRYPTION_KEY: KEY_B64,
      DEVICE_SECRET_PEPPER: PEPPER_B64,
    });
    expect(r.ok && r.config.redis).toEqual({
      url: 'redis://redis:6379/0',
      keyPrefix: 'lakeside:',
      encryptionKey: KEY,
      encryptionAlgorithm: 'aes-256-gcm',
    });
    expect(r.ok && r.config.devicePeppers).toEqual([PEPPER]);
  });

  it('takes a Redis Cluster by some of its nodes instead of REDIS_URL, with the same requirements', () => {
    const secrets = { JWT_SECRET: 'x'.repeat(32), ENCRYPTION_KEY: KEY_B64, DEVICE_SECRET_PEPPER: PEPPER_B64 };
    const r = loadConfig({ ...secrets, REDIS_CLUSTER_NODES: 'redis-1:7000, 10.0.0.2:7001,[::1]:7002' });
    expect(r.ok && r.config.redis).toEqual({
      clusterNodes: [
        { host: 'redis-1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      keyPrefix: 'vigil:',
      encryptionKey: KEY,
      encryptionAlgorithm: 'aes-256-gcm',
    });
    const problems = (env: Record<string, string>) => {
      const got = loadConfig(env);
      return got.ok ? [] : got.problems;
    };
    const shape = 'REDIS_CLUSTER_NODES: must be host:port pairs separated by commas, e.g. redis-1:6379,redis-2:6379';
    for (const nodes of ['redis-1', 'redis-1:7000,', 'redis-1:99999', 'redis://redis-1:7000', 'a b:1']) {
      expect(problems({ ...secrets, REDIS_CLUSTER_NODES: nodes }), nodes).toEqual([shape]);
    }
    expect(problems({ ...secrets, REDIS_CLUSTER_NODES: 'redis-1:7000', REDIS_URL: 'redis://redis:6379' })).toEqual([
      'set REDIS_URL or REDIS_CLUSTER_NODES, not both (one Redis or one Redis Cluster)',
    ]);
    expect(problems({ REDIS_CLUSTER_NODES: 'redis-1:7000' })).toEqual([
      'JWT_SECRET is required with REDIS_CLUSTER_NODES (every process must verify the same tokens)',
      'ENCRYPTION_KEY or ENCRYPTION_KEY_FILE is required with REDIS_CLUSTER_NODES (health data is encrypted at rest)',
      'DEVICE_SECRET_PEPPER or DEVICE_SECRET_PEPPER_FILE is required with REDIS_CLUSTER_NODES (the device secret hashes kept there verify only under it)',
    ]);
  });

  it('lists problems of variables, files and how they combine together, not the first kind only (contract §5)', () => {
    const readFile = (path: string): string => {
      throw Object.assign(new Error(`no ${path}`), { code: 'ENOENT' });
    };
    const r = loadConfig(
      {
        HTTP_PORT: 'abc',
        REDIS_CLUSTER_NODES: 'redis-1:7000,oops',
        ENCRYPTION_KEY_FILE: '/run/secrets/none',
        ADMIN_USERNAME: 'root',
        VIGIL_ROLE: 'engine',
        DEMO: 'true',
        MQTT_URL: 'mqtt://mosquitto:1883',
        MQTT_USERNAME: 'vigil-engine',
        MQTT_PASSWORD: 'engine-password',
        MQTT_ADMIN_USERNAME: 'admin',
        INFLUX_URL: 'http://influxdb:8086',
      },
      readFile,
    );
    expect(r).toEqual({
      ok: false,
      problems: [
        'HTTP_PORT: must be a port number from 0 to 65535 (0 picks a free port)',
        'REDIS_CLUSTER_NODES: must be host:port pairs separated by commas, e.g. redis-1:6379,redis-2:6379',
        'ADMIN_USERNAME and ADMIN_PASSWORD must be set together',
        'MQTT_ADMIN_PASSWORD is required with MQTT_URL',
        'INFLUX_BUCKET or INFLUX_DATABASE is required with INFLUX_URL',
        'JWT_SECRET is required with REDIS_CLUSTER_NODES (every process must verify the same tokens)',
        'ENCRYPTION_KEY_FILE: cannot read /run/secrets/none (ENOENT)',
        'DEVICE_SECRET_PEPPER or DEVICE_SECRET_PEPPER_FILE is required with REDIS_CLUSTER_NODES (the device secret hashes kept there verify only under it)',
        'DEMO=true needs VIGIL_ROLE=all or gateway (the demo is seeded and simulated there)',
      ],
    });
    // A malformed value is not taken for a valid one by the rules across variables.
    expect(loadConfig({ HTTP_PORT: 'abc', MQTT_PORT: '8080' })).toEqual({
      ok: false,
      problems: ['HTTP_PORT: must be a port number from 0 to 65535 (0 picks a free port)'],
    });
    expect(loadConfig({ VIGIL_ROLE: 'worker', DEMO: 'maybe' })).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^DEMO: /), expect.stringMatching(/^VIGIL_ROLE: /)],
    });
  });

  it('reads the device secret pepper from DEVICE_SECRET_PEPPER or its file; several rotate it, newest first', () => {
    // Optional without Redis: a random one per start suits stores that start empty.
    const none = loadConfig({});
    expect(none.ok && none.config.devicePeppers).toBeUndefined();
    const old = Buffer.alloc(32, 6);
    const files: Record<string, string> = { '/run/secrets/pepper': `${PEPPER_B64}\n${old.toString('base64')}\n` };
    const readFile = (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return text;
    };
    const rotated = loadConfig({ DEVICE_SECRET_PEPPER: `${PEPPER_B64}, ${old.toString('base64')}` });
    expect(rotated.ok && rotated.config.devicePeppers).toEqual([PEPPER, old]);
    const fromFile = loadConfig({ DEVICE_SECRET_PEPPER_FILE: '/run/secrets/pepper' }, readFile);
    expect(fromFile.ok && fromFile.config.devicePeppers).toEqual([PEPPER, old]);
    const hint = '32 random bytes in base64 (openssl rand -base64 32)';
    const problems = (env: Record<string, string>) => {
      const r = loadConfig(env, readFile);
      return r.ok ? [] : r.problems;
    };
    // Every problem at once, and never the value.
    expect(problems({ DEVICE_SECRET_PEPPER: 'not-a-pepper-at-all', ADMIN_USERNAME: 'root' })).toEqual([
      'ADMIN_USERNAME and ADMIN_PASSWORD must be set together',
      `DEVICE_SECRET_PEPPER must be ${hint}`,
    ]);
    expect(problems({ DEVICE_SECRET_PEPPER: `${PEPPER_B64},c2hvcnQ=` })).toEqual([
      `DEVICE_SECRET_PEPPER must be ${hint}`,
    ]);
    expect(problems({ DEVICE_SECRET_PEPPER: ' , ' })).toEqual([`DEVICE_SECRET_PEPPER must be ${hint}`]);
    expect(problems({ DEVICE_SECRET_PEPPER_FILE: '/run/secrets/none' })).toEqual([
      'DEVICE_SECRET_PEPPER_FILE: cannot read /run/secrets/none (ENOENT)',
    ]);
    expect(problems({ DEVICE_SECRET_PEPPER: PEPPER_B64, DEVICE_SECRET_PEPPER_FILE: '/run/secrets/pepper' })).toEqual([
      'set DEVICE_SECRET_PEPPER or DEVICE_SECRET_PEPPER_FILE, not both',
    ]);
    expect(
      problems({
        REDIS_URL: 'redis://redis:6379/0',
        JWT_SECRET: 'x'.repeat(32),
        ENCRYPTION_KEY: KEY_B64,
        DEVICE_SECRET_PEPPER: KEY_B64,
      }),
    ).toEqual(['DEVICE_SECRET_PEPPER must differ from ENCRYPTION_KEY (one key, one purpose)']);
  });

  it('reads the encryption key from ENCRYPTION_KEY or ENCRYPTION_KEY_FILE, 32 bytes in base64 only', () => {
    const redis = { REDIS_URL: 'redis://redis:6379/0', JWT_SECRET: 'x'.repeat(32), DEVICE_SECRET_PEPPER: PEPPER_B64 };
    const files: Record<string, string> = { '/run/secrets/key': `${KEY_B64}\n`, '/run/secrets/short': 'c2hvcnQ=\n' };
    const readFile = (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return text;
    };
    const fromFile = loadConfig({ ...redis, ENCRYPTION_KEY_FILE: '/run/secrets/key' }, readFile);
    expect(fromFile.ok && fromFile.config.redis?.encryptionKey).toEqual(KEY);
    const hint = '32 random bytes in base64 (openssl rand -base64 32)';
    const problems = (env: Record<string, string>) => {
      const r = loadConfig({ ...redis, ...env }, readFile);
      return r.ok ? [] : r.problems;
    };
    expect(problems({ ENCRYPTION_KEY: 'c2hvcnQ=' })).toEqual([`ENCRYPTION_KEY must be ${hint}`]);
    expect(problems({ ENCRYPTION_KEY: 'x'.repeat(32) })).toEqual([`ENCRYPTION_KEY must be ${hint}`]);
    expect(problems({ ENCRYPTION_KEY: Buffer.alloc(48).toString('base64') })).toEqual([
      `ENCRYPTION_KEY must be ${hint}`,
    ]);
    expect(problems({ ENCRYPTION_KEY_FILE: '/run/secrets/short' })).toEqual([
      `ENCRYPTION_KEY_FILE (/run/secrets/short) must be ${hint}`,
    ]);
    expect(problems({ ENCRYPTION_KEY_FILE: '/run/secrets/none' })).toEqual([
      'ENCRYPTION_KEY_FILE: cannot read /run/secrets/none (ENOENT)',
    ]);
    expect(problems({ ENCRYPTION_KEY: KEY_B64, ENCRYPTION_KEY_FILE: '/run/secrets/key' })).toEqual([
      'set ENCRYPTION_KEY or ENCRYPTION_KEY_FILE, not both',
    ]);
    // A bad key is refused without echoing it.
    for (const p of problems({ ENCRYPTION_KEY: 'not-a-key-at-all' })) expect(p).not.toContain('not-a-key');
  });

  it('seals with ENCRYPTION_ALGORITHM: aes-256-gcm by default, or sm4; anything else is listed with the rest', () => {
    const redis = {
      REDIS_URL: 'redis://redis:6379/0',
      JWT_SECRET: 'x'.repeat(32),
      ENCRYPTION_KEY: KEY_B64,
      DEVICE_SECRET_PEPPER: PEPPER_B64,
    };
    const sm4 = loadConfig({ ...redis, ENCRYPTION_ALGORITHM: 'sm4' });
    expect(sm4.ok && sm4.config.redis?.encryptionAlgorithm).toBe('sm4');
    expect(loadConfig({ ...redis, ENCRYPTION_ALGORITHM: 'sm4-ctr', HTTP_PORT: 'x', JWT_SECRET: 'short' })).toEqual({
      ok: false,
      problems: [
        'HTTP_PORT: must be a port number from 0 to 65535 (0 picks a free port)',
        'JWT_SECRET: JWT_SECRET must be at least 32 characters',
        'ENCRYPTION_ALGORITHM: must be one of aes-256-gcm, sm4',
      ],
    });
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

  it("names an engine's MQTT sessions after a stable identity: VIGIL_ENGINE_ID, or host name and HTTP port", () => {
    const mqtt = {
      MQTT_URL: 'mqtt://mosquitto:1883',
      MQTT_USERNAME: 'vigil-engine',
      MQTT_PASSWORD: 'engine-password',
      MQTT_ADMIN_USERNAME: 'admin',
      MQTT_ADMIN_PASSWORD: 'admin-password',
    };
    const byDefault = loadConfig({ ...mqtt, HTTP_PORT: '8081' });
    expect(byDefault.ok && byDefault.config.mqtt).toMatchObject({
      engineId: expect.stringMatching(/^[A-Za-z0-9_.-]+-8081$/),
      consumers: 32,
      sessionExpiryS: 3600,
    });
    const set = loadConfig({ ...mqtt, VIGIL_ENGINE_ID: 'engine-2', MQTT_CONSUMERS: '4', MQTT_SESSION_EXPIRY_S: '600' });
    expect(set.ok && set.config.mqtt).toMatchObject({ engineId: 'engine-2', consumers: 4, sessionExpiryS: 600 });
    const bad = loadConfig({ ...mqtt, VIGIL_ENGINE_ID: 'a/b', MQTT_CONSUMERS: '0' });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.problems.join('\n')).toMatch(
        /VIGIL_ENGINE_ID[\s\S]*MQTT_CONSUMERS|MQTT_CONSUMERS[\s\S]*VIGIL_ENGINE_ID/,
      );
  });

  it('reads retention (issue 12 "bounded state"), defaults from docs/deploy.md, every bad figure at once', () => {
    const DAY = 24 * 3_600_000;
    const defaults = loadConfig({});
    expect(defaults.ok && defaults.config.retention).toEqual({
      policy: { resolvedAlertsMs: 92 * DAY, finishedTasksMs: 92 * DAY, slaWarningsMs: 92 * DAY, vitalsMs: 31 * DAY },
      sweepMs: 600_000,
      eventLogRetentionMs: DAY,
      vitalsPointsPerResident: 20_000,
      vitalsMemoryMaxPoints: 1_000_000,
    });
    const set = loadConfig({
      ALERT_RETENTION_DAYS: '30',
      TASK_RETENTION_DAYS: '7',
      SLA_WARNING_RETENTION_DAYS: '400',
      VITALS_RETENTION_DAYS: '2',
      EVENT_LOG_RETENTION_H: '48',
      EVENT_LOG_MAX_EVENTS: '50000',
      RETENTION_SWEEP_MS: '60000',
    });
    expect(set.ok && set.config.retention).toMatchObject({
      policy: { resolvedAlertsMs: 30 * DAY, finishedTasksMs: 7 * DAY, slaWarningsMs: 400 * DAY, vitalsMs: 2 * DAY },
      sweepMs: 60_000,
      eventLogRetentionMs: 2 * DAY,
      eventLogMaxEvents: 50_000,
    });
    const bad = loadConfig({ ALERT_RETENTION_DAYS: '0', EVENT_LOG_RETENTION_H: '12', VITALS_HISTORY_POINTS: 'lots' });
    expect(!bad.ok && bad.problems.map((p) => p.split(':')[0])).toEqual([
      'ALERT_RETENTION_DAYS',
      'EVENT_LOG_RETENTION_H',
      'VITALS_HISTORY_POINTS',
    ]);
  });

  it('requires the admin username and password together', () => {
    const r = loadConfig({ ADMIN_USERNAME: 'root' });
    expect(r).toEqual({ ok: false, problems: ['ADMIN_USERNAME and ADMIN_PASSWORD must be set together'] });
  });

  it('splits roles only on shared Redis, a gateway only on an external broker; the demo stays with role all', () => {
    const all = loadConfig({});
    expect(all.ok && all.config).toMatchObject({ role: 'all' });
    const alone = loadConfig({ VIGIL_ROLE: 'engine', DEMO: 'true' });
    expect(alone.ok).toBe(false);
    if (!alone.ok)
      expect(alone.problems).toEqual([
        'REDIS_URL or REDIS_CLUSTER_NODES is required with VIGIL_ROLE=engine (processes share state there)',
        'DEMO=true needs VIGIL_ROLE=all or gateway (the demo is seeded and simulated there)',
      ]);
    const lonelyGateway = loadConfig({ VIGIL_ROLE: 'gateway', JWT_SECRET: 's'.repeat(32) });
    expect(lonelyGateway.ok).toBe(false);
    if (!lonelyGateway.ok)
      expect(lonelyGateway.problems).toEqual([
        'REDIS_URL or REDIS_CLUSTER_NODES is required with VIGIL_ROLE=gateway (processes share state there)',
        'MQTT_URL is required with VIGIL_ROLE=gateway (it reaches devices through an external broker)',
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
      ENCRYPTION_KEY: KEY_B64,
      DEVICE_SECRET_PEPPER: PEPPER_B64,
    };
    // Split roles default to no demo (several gateways would each seed and simulate one).
    const engine = loadConfig({ ...shared, VIGIL_ROLE: 'engine' });
    expect(engine.ok && engine.config).toMatchObject({ role: 'engine', demo: false, simulator: false });
    const gateway = loadConfig({ ...shared, VIGIL_ROLE: 'gateway', DEMO: 'true' });
    expect(gateway.ok && gateway.config).toMatchObject({ role: 'gateway', demo: true });
    // An engine with its own embedded broker: devices connect to it, the log and partitions are shared.
    const {
      MQTT_URL: _url,
      MQTT_USERNAME: _u,
      MQTT_PASSWORD: _p,
      MQTT_ADMIN_USERNAME: _au,
      MQTT_ADMIN_PASSWORD: _ap,
      ...redisOnly
    } = shared;
    const embedded = loadConfig({ ...redisOnly, VIGIL_ROLE: 'engine', MQTT_PORT: '1884' });
    expect(embedded.ok && embedded.config).toMatchObject({ role: 'engine', mqttPort: 1884 });
    expect(embedded.ok && embedded.config.mqtt).toBeUndefined();
  });
});
