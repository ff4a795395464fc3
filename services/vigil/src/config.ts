import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { defaultArgon2Limits, PASSWORD_PROBLEMS, passwordProblem } from '@vigil/auth';
import { algorithmAvailable, type RedisTarget } from '@vigil/stores';
import { type Env, EnvSchema } from './config-schema.ts';
import { devicePeppers, encryptionKey } from './config-secrets.ts';
import { mqttTls } from './config-tls.ts';
import type { AppConfig, ConfigResult } from './config-types.ts';

export { type Env, EnvSchema } from './config-schema.ts';
export type { AppConfig, ConfigResult, ProcessRole, RetentionConfig } from './config-types.ts';

const DAY_MS = 24 * 3_600_000;

/**
 * Every variable checked on its own: the problems of all of them, and the valid values (a variable
 * with a problem reads as its default, or unset, so the checks across variables still run).
 */
function parseEach(cleaned: Record<string, string | undefined>): { e: Env; bad: Set<string>; problems: string[] } {
  const first = EnvSchema.safeParse(cleaned);
  if (first.success) return { e: first.data, bad: new Set(), problems: [] };
  const problems = first.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`);
  const bad = new Set(first.error.issues.map((i) => String(i.path[0])));
  // No rule spans fields in the schema, so without the bad ones the rest parses; should one be added,
  // the defaults stand in rather than hiding the problems already found.
  const rest = EnvSchema.safeParse(Object.fromEntries(Object.entries(cleaned).filter(([k]) => !bad.has(k))));
  return { e: rest.success ? rest.data : EnvSchema.parse({}), bad, problems };
}

/**
 * `readFile` reads ENCRYPTION_KEY_FILE and DEVICE_SECRET_PEPPER_FILE (injected for tests). Every
 * problem is listed (contract §5): of each variable, of the files, and of how they combine.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ConfigResult {
  // Empty strings count as unset, as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const { e, bad, problems } = parseEach(cleaned);
  // Rules across variables go by what was set, valid or not: "JWT_SECRET is required with REDIS_URL"
  // holds even while REDIS_URL itself is malformed.
  const isSet = (name: keyof Env) => cleaned[name] !== undefined;
  // Split roles default to no demo: several gateways would each seed one and run a simulator.
  const demoAsked = isSet('DEMO') && !bad.has('DEMO') && e.DEMO;
  const demo = e.VIGIL_ROLE === 'all' ? e.DEMO : e.VIGIL_ROLE === 'gateway' && demoAsked;
  if (isSet('ADMIN_USERNAME') !== isSet('ADMIN_PASSWORD')) {
    problems.push('ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  }
  // The first admin's password follows the policy every other password follows (issue 13).
  const adminPasswordProblem = e.ADMIN_PASSWORD === undefined ? undefined : passwordProblem(e.ADMIN_PASSWORD);
  if (adminPasswordProblem) problems.push(`ADMIN_PASSWORD: ${PASSWORD_PROBLEMS[adminPasswordProblem]}`);
  if (!bad.has('HTTP_PORT') && !bad.has('MQTT_PORT') && e.HTTP_PORT !== 0 && e.HTTP_PORT === e.MQTT_PORT)
    problems.push('HTTP_PORT and MQTT_PORT must differ');
  if (isSet('MQTT_URL')) {
    for (const k of ['MQTT_USERNAME', 'MQTT_PASSWORD', 'MQTT_ADMIN_USERNAME', 'MQTT_ADMIN_PASSWORD'] as const)
      if (!isSet(k)) problems.push(`${k} is required with MQTT_URL`);
  }
  const tls = mqttTls(e, readFile);
  if (Array.isArray(tls)) problems.push(...tls);
  if (isSet('MQTTS_PORT') && tls === undefined)
    problems.push('MQTTS_PORT needs MQTT_TLS_CERT and MQTT_TLS_KEY (MQTT over TLS is off without them)');
  for (const other of ['MQTT_PORT', 'HTTP_PORT'] as const) {
    if (tls && !bad.has('MQTTS_PORT') && !bad.has(other) && e.MQTTS_PORT !== 0 && e.MQTTS_PORT === e[other])
      problems.push(`MQTTS_PORT and ${other} must differ`);
  }
  // An external Mosquitto serves its own listeners; the embedded ones are not started.
  if (isSet('MQTT_URL')) {
    for (const k of ['MQTT_TLS_CERT', 'MQTT_TLS_KEY', 'MQTT_TLS_CLIENT_CA', 'MQTTS_PORT'] as const)
      if (isSet(k)) problems.push(`${k} is for the embedded broker: with MQTT_URL, configure TLS in Mosquitto`);
    if (isSet('MQTT_WEBSOCKET') && e.MQTT_WEBSOCKET)
      problems.push('MQTT_WEBSOCKET is for the embedded broker: with MQTT_URL, configure WebSocket in Mosquitto');
  }
  if (isSet('INFLUX_URL') && !isSet('INFLUX_BUCKET') && !isSet('INFLUX_DATABASE'))
    problems.push('INFLUX_BUCKET or INFLUX_DATABASE is required with INFLUX_URL');
  // One Redis or one cluster: the variable that names it, in the messages of what it requires.
  const redisVar = isSet('REDIS_URL') ? 'REDIS_URL' : isSet('REDIS_CLUSTER_NODES') ? 'REDIS_CLUSTER_NODES' : undefined;
  if (isSet('REDIS_URL') && isSet('REDIS_CLUSTER_NODES'))
    problems.push('set REDIS_URL or REDIS_CLUSTER_NODES, not both (one Redis or one Redis Cluster)');
  // With shared state, every process (and every restart) must verify the same tokens.
  if (redisVar && !isSet('JWT_SECRET'))
    problems.push(`JWT_SECRET is required with ${redisVar} (every process must verify the same tokens)`);
  const key = encryptionKey(e, readFile);
  if (typeof key === 'string') problems.push(key);
  else if (redisVar && key === undefined)
    problems.push(
      `ENCRYPTION_KEY or ENCRYPTION_KEY_FILE is required with ${redisVar} (health data is encrypted at rest)`,
    );
  // A FIPS-only OpenSSL build has no SM4 or SM3: said at start, not at the first write.
  if (!bad.has('ENCRYPTION_ALGORITHM') && !algorithmAvailable(e.ENCRYPTION_ALGORITHM))
    problems.push(`ENCRYPTION_ALGORITHM=${e.ENCRYPTION_ALGORITHM} is not available in this Node's OpenSSL`);
  const peppers = devicePeppers(e, readFile);
  if (typeof peppers === 'string') problems.push(peppers);
  else if (redisVar && peppers === undefined)
    problems.push(
      `DEVICE_SECRET_PEPPER or DEVICE_SECRET_PEPPER_FILE is required with ${redisVar} (the device secret hashes kept there verify only under it)`,
    );
  else if (peppers && key instanceof Buffer && peppers.some((p) => p.equals(key)))
    problems.push('DEVICE_SECRET_PEPPER must differ from ENCRYPTION_KEY (one key, one purpose)');
  if (!bad.has('VIGIL_ROLE') && e.VIGIL_ROLE !== 'all') {
    // One process's memory or embedded broker cannot be shared with the others.
    if (!redisVar)
      problems.push(
        `REDIS_URL or REDIS_CLUSTER_NODES is required with VIGIL_ROLE=${e.VIGIL_ROLE} (processes share state there)`,
      );
    // An engine may run its own embedded broker (devices spread over the engines by a TCP balancer):
    // whichever receives a message appends it to the shared log. A gateway has no devices of its own
    // and reaches them only through a broker they share.
    if (!isSet('MQTT_URL') && e.VIGIL_ROLE === 'gateway')
      problems.push('MQTT_URL is required with VIGIL_ROLE=gateway (it reaches devices through an external broker)');
    if (e.VIGIL_ROLE === 'engine' && demoAsked)
      problems.push('DEMO=true needs VIGIL_ROLE=all or gateway (the demo is seeded and simulated there)');
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    config: Object.freeze({
      role: e.VIGIL_ROLE,
      httpPort: e.HTTP_PORT,
      mqttPort: e.MQTT_PORT,
      ...(tls && !Array.isArray(tls) && { mqttTls: tls }),
      mqttWebSocket: e.MQTT_WEBSOCKET,
      host: e.HOST ?? (demo ? '127.0.0.1' : '0.0.0.0'),
      demo,
      simulator: demo && e.SIM_COUNT > 0,
      ...(e.ADMIN_USERNAME && { adminUsername: e.ADMIN_USERNAME }),
      ...(e.ADMIN_PASSWORD && { adminPassword: e.ADMIN_PASSWORD }),
      ...(e.JWT_SECRET && { jwtSecret: e.JWT_SECRET }),
      tokenTtlS: e.TOKEN_TTL_S,
      sessionMaxAgeS: e.SESSION_MAX_AGE_S,
      argon2: argon2Of(e),
      ...(e.TRUST_PROXY && { trustProxy: Object.freeze(e.TRUST_PROXY) }),
      topicPrefix: e.TOPIC_PREFIX,
      logLevel: e.LOG_LEVEL,
      ...(e.BOARD_DIR && { boardDir: e.BOARD_DIR }),
      sim: { count: e.SIM_COUNT, rateHz: e.SIM_RATE_HZ, seed: e.SIM_SEED, scenario: e.SIM_SCENARIO },
      ...(key instanceof Buffer && redisOf(e, key)),
      retention: {
        policy: {
          resolvedAlertsMs: e.ALERT_RETENTION_DAYS * DAY_MS,
          finishedTasksMs: e.TASK_RETENTION_DAYS * DAY_MS,
          slaWarningsMs: e.SLA_WARNING_RETENTION_DAYS * DAY_MS,
          vitalsMs: e.VITALS_RETENTION_DAYS * DAY_MS,
        },
        sweepMs: e.RETENTION_SWEEP_MS,
        eventLogRetentionMs: e.EVENT_LOG_RETENTION_H * 3_600_000,
        ...(e.EVENT_LOG_MAX_EVENTS !== undefined && { eventLogMaxEvents: e.EVENT_LOG_MAX_EVENTS }),
        vitalsPointsPerResident: e.VITALS_HISTORY_POINTS,
        vitalsMemoryMaxPoints: e.VITALS_MEMORY_MAX_POINTS,
      },
      ...(Array.isArray(peppers) && { devicePeppers: Object.freeze(peppers) }),
      ...(e.MQTT_URL &&
        e.MQTT_USERNAME &&
        e.MQTT_PASSWORD &&
        e.MQTT_ADMIN_USERNAME &&
        e.MQTT_ADMIN_PASSWORD && {
          mqtt: {
            url: e.MQTT_URL,
            username: e.MQTT_USERNAME,
            password: e.MQTT_PASSWORD,
            adminUsername: e.MQTT_ADMIN_USERNAME,
            adminPassword: e.MQTT_ADMIN_PASSWORD,
            shareGroup: e.MQTT_SHARE_GROUP,
            engineId: e.VIGIL_ENGINE_ID ?? defaultEngineId(e.HTTP_PORT),
            consumers: e.MQTT_CONSUMERS,
            sessionExpiryS: e.MQTT_SESSION_EXPIRY_S,
          },
        }),
      ...(e.INFLUX_URL && {
        influx: {
          url: e.INFLUX_URL,
          ...(e.INFLUX_TOKEN && { token: e.INFLUX_TOKEN }),
          ...(e.INFLUX_ORG && { org: e.INFLUX_ORG }),
          ...(e.INFLUX_BUCKET && { bucket: e.INFLUX_BUCKET }),
          ...(e.INFLUX_DATABASE && { database: e.INFLUX_DATABASE }),
          writeApi: e.INFLUX_WRITE_API,
        },
      }),
    }),
  };
}

/**
 * The host name (stable across restarts in a container, a StatefulSet pod or on a VM) and the HTTP
 * port, which no two processes on one host share, so engines side by side on one host differ too.
 */
function defaultEngineId(httpPort: number): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .slice(0, 48) || 'engine';
  return `${host}-${httpPort}`;
}

/** The Redis part of the configuration: one Redis by URL or a cluster by its nodes. */
function redisOf(e: Env, encryptionKey: Buffer): { redis: NonNullable<AppConfig['redis']> } | undefined {
  const target: RedisTarget | undefined = e.REDIS_URL
    ? { url: e.REDIS_URL }
    : e.REDIS_CLUSTER_NODES
      ? { clusterNodes: e.REDIS_CLUSTER_NODES }
      : undefined;
  return (
    target && {
      redis: { ...target, keyPrefix: e.REDIS_KEY_PREFIX, encryptionKey, encryptionAlgorithm: e.ENCRYPTION_ALGORITHM },
    }
  );
}

/** Set values, the rest defaults; the queue follows a configured concurrency (8 waiting per running). */
function argon2Of(e: Env): NonNullable<AppConfig['argon2']> {
  const maxConcurrent = e.ARGON2_MAX_CONCURRENT ?? defaultArgon2Limits().maxConcurrent;
  return { maxConcurrent, maxQueued: e.ARGON2_MAX_QUEUED ?? 8 * maxConcurrent, maxWaitMs: e.ARGON2_MAX_WAIT_MS };
}
