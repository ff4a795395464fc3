import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isScenarioName, SCENARIO_NAMES } from '@vigil/simulator';
import type { RedisClusterNode, RedisTarget } from '@vigil/stores';
import type { RetentionPolicy } from '@vigil/engine';
import { z } from 'zod';

const PORT_MESSAGE = 'must be a port number from 0 to 65535 (0 picks a free port)';
const port = z
  .string()
  .regex(/^\d{1,5}$/, PORT_MESSAGE)
  .transform(Number)
  .refine((n) => n <= 65535, PORT_MESSAGE);
/** `host:port` or `[ipv6]:port`. */
const CLUSTER_NODE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const clusterNodes = z
  .string()
  .transform((text) => text.split(',').map((n) => n.trim()))
  .refine((nodes) => nodes.every((n) => CLUSTER_NODE.test(n) && Number(n.slice(n.lastIndexOf(':') + 1)) <= 65535), {
    error: 'must be host:port pairs separated by commas, e.g. redis-1:6379,redis-2:6379',
  })
  .transform((nodes): RedisClusterNode[] =>
    nodes.map((n) => {
      const at = n.lastIndexOf(':');
      return { host: n.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(n.slice(at + 1)) };
    }),
  );
const retentionDays = z.coerce.number().int().min(1).max(3650);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
/**
 * Configuration from the environment (contract §5), validated once at boot with every problem
 * reported together (STYLE.md §5), then frozen. Units are in the names.
 */
export const EnvSchema = z.object({
  HTTP_PORT: port.default(8080),
  MQTT_PORT: port.default(1883),
  HOST: z.string().min(1).default('0.0.0.0'),
  DEMO: bool.default(true),
  ADMIN_USERNAME: z.string().min(1).max(128).optional(),
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must be at least 8 characters').max(256).optional(),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  TOKEN_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(12 * 3600),
  TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .default('care'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BOARD_DIR: z.string().optional(),
  SIM_COUNT: z.coerce.number().int().min(0).max(5000).default(24),
  SIM_RATE_HZ: z.coerce.number().positive().max(50).default(1),
  SIM_SEED: z.coerce.number().int().default(42),
  SIM_SCENARIO: z
    .string()
    .refine(isScenarioName, { error: `must be one of ${SCENARIO_NAMES.join(', ')}` })
    .default('mixed'),
  /**
   * What this process runs (architecture.md "Scale-out path"): `all` (default) is the whole platform;
   * `engine` consumes device messages (ingest, rules, alerts, dispatch, deadlines) and serves only
   * probes and metrics on HTTP_PORT; `gateway` serves REST, Socket.IO and the dashboards. Split roles
   * share state through Redis, so it is required; a gateway also needs the external broker, while an
   * engine without one runs the embedded broker for the devices that connect to it.
   */
  VIGIL_ROLE: z.enum(['all', 'engine', 'gateway']).default('all'),
  /** An external Mosquitto 2 with the dynamic-security plugin instead of the embedded broker. */
  MQTT_URL: z
    .string()
    .regex(/^(mqtts?|tcp|wss?):\/\/\S+$/, 'must be an mqtt://, mqtts:// or ws(s):// URL')
    .optional(),
  /** The platform's own login there (created through dynamic security). */
  MQTT_USERNAME: z.string().min(1).max(128).optional(),
  MQTT_PASSWORD: z.string().min(8).max(256).optional(),
  /** The dynamic-security admin, used to provision device logins and ACLs. */
  MQTT_ADMIN_USERNAME: z.string().min(1).max(128).optional(),
  MQTT_ADMIN_PASSWORD: z.string().min(1).max(256).optional(),
  /** Shared-subscription group: engine workers in one group split the device messages. */
  MQTT_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('vigil'),
  /**
   * This engine's stable identity at the external broker (packages/broker/src/external/README.md
   * "Engine sessions"): its consumers keep persistent sessions `vigil-engine-{id}-{n}` that a restart
   * under the same id resumes. Distinct for every engine process; default `{hostname}-{HTTP_PORT}`.
   */
  VIGIL_ENGINE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  /**
   * An engine's connections in the shared subscription of vitals, telemetry and status (calls for
   * help have one of their own); each appends one uplink at a time, so they bound its throughput.
   */
  MQTT_CONSUMERS: z.coerce.number().int().min(1).max(64).default(32),
  /** How long Mosquitto keeps a dead engine's sessions (and the share it queues there). */
  MQTT_SESSION_EXPIRY_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(3600),
  /** All state (alerts, tasks, deadlines, rule memory, event log, devices…) in Redis 7+. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL, e.g. redis://redis:6379/0')
    .optional(),
  /**
   * A Redis Cluster instead of one Redis (docs/deploy.md "Redis Cluster"): some of its nodes, the
   * client finds the rest. Instead of REDIS_URL, with the same requirements.
   */
  REDIS_CLUSTER_NODES: clusterNodes.optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,64}$/)
    .default('vigil:'),
  /**
   * Key-encryption key of the health data in Redis ("health data is encrypted at rest";
   * dependencies.md "field encryption"): 32 random bytes in base64, or a file holding them (Docker
   * secrets). Never logged.
   */
  ENCRYPTION_KEY: z.string().optional(),
  ENCRYPTION_KEY_FILE: z.string().min(1).optional(),
  /**
   * Server pepper of the device secret hashes (HMAC-SHA-256; packages/auth/src/device-secrets.ts): 32
   * random bytes in base64, or a file holding them. Several, comma- or newline-separated, rotate it:
   * the first makes new hashes, the others still verify (docs/deploy.md "Device secret pepper").
   * Never logged.
   */
  DEVICE_SECRET_PEPPER: z.string().optional(),
  DEVICE_SECRET_PEPPER_FILE: z.string().min(1).optional(),
  /** Vitals history in a TSDB (InfluxDB 1.8+/2.x/3.x or VictoriaMetrics); docs/deploy.md. */
  INFLUX_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http(s):// URL, e.g. http://influxdb:8086')
    .optional(),
  INFLUX_TOKEN: z.string().min(1).optional(),
  INFLUX_ORG: z.string().min(1).optional(),
  INFLUX_BUCKET: z.string().min(1).optional(),
  INFLUX_DATABASE: z.string().min(1).optional(),
  /** `v1` writes to `/write?db=` (InfluxDB before 1.8); `v2` (default) to `/api/v2/write`. */
  INFLUX_WRITE_API: z.enum(['v1', 'v2']).default('v2'),
  /**
   * Retention (issue 12 "bounded state"; docs/deploy.md "Retention"). 92 days: the longest range of
   * `GET /api/sla/report`, so it always finds what it counts. Open alerts and tasks are never removed.
   */
  ALERT_RETENTION_DAYS: retentionDays.default(92),
  TASK_RETENTION_DAYS: retentionDays.default(92),
  SLA_WARNING_RETENTION_DAYS: retentionDays.default(92),
  /** 31 days: the longest range the vitals, report and FHIR endpoints read. */
  VITALS_RETENTION_DAYS: retentionDays.default(31),
  /** Contract §2: replay reaches back at least 24 h. */
  EVENT_LOG_RETENTION_H: z.coerce
    .number()
    .int()
    .min(24, 'must be at least 24 (contract §2: replay reaches back 24 h)')
    .max(90 * 24)
    .default(24),
  /** A cap on the event log's length (memory default 200,000; Redis none): a memory guard. */
  EVENT_LOG_MAX_EVENTS: z.coerce.number().int().min(10_000).optional(),
  /** In-memory vitals history: points per resident, and in all (shared evenly among residents). */
  VITALS_HISTORY_POINTS: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
  VITALS_MEMORY_MAX_POINTS: z.coerce.number().int().min(10_000).max(100_000_000).default(1_000_000),
  RETENTION_SWEEP_MS: z.coerce.number().int().min(1000).max(86_400_000).default(600_000),
});

export type ProcessRole = 'all' | 'engine' | 'gateway';

export interface AppConfig {
  /** What this process runs; `all` when absent. */
  role?: ProcessRole;
  httpPort: number;
  mqttPort: number;
  host: string;
  demo: boolean;
  simulator: boolean;
  adminUsername?: string;
  adminPassword?: string;
  jwtSecret?: string;
  tokenTtlS: number;
  topicPrefix: string;
  logLevel: string;
  boardDir?: string;
  sim: { count: number; rateHz: number; seed: number; scenario: string };
  /**
   * Redis for all state instead of memory (architecture.md), with the key-encryption key that seals
   * the health data kept there (docs/deploy.md "Encryption at rest").
   */
  redis?: RedisTarget & { keyPrefix: string; encryptionKey: Buffer };
  /**
   * Peppers of the device secret hashes, newest first (the first makes new hashes). Without one, a
   * random pepper per start when the stores are in memory; with Redis, argon2id (slow, as before).
   */
  devicePeppers?: readonly Buffer[];
  /** An external broker instead of the embedded one. */
  mqtt?: {
    url: string;
    username: string;
    password: string;
    adminUsername: string;
    adminPassword: string;
    shareGroup: string;
    /**
     * Stable per engine process (`VIGIL_ENGINE_ID`): names its persistent consumer sessions. Absent
     * (an app built in a test): random client ids and clean sessions.
     */
    engineId?: string;
    consumers?: number;
    sessionExpiryS?: number;
  };
  /** What is kept how long (docs/deploy.md "Retention"); defaults when absent. */
  retention?: RetentionConfig;
  /** A TSDB for the vitals history instead of the in-memory ring. */
  influx?: { url: string; token?: string; org?: string; bucket?: string; database?: string; writeApi: 'v1' | 'v2' };
}

export interface RetentionConfig {
  /** What the engine's sweeper removes, and how often it looks. */
  policy: RetentionPolicy;
  sweepMs: number;
  eventLogRetentionMs: number;
  eventLogMaxEvents?: number;
  vitalsPointsPerResident: number;
  vitalsMemoryMaxPoints: number;
}

export type ConfigResult = { ok: true; config: Readonly<AppConfig> } | { ok: false; problems: string[] };

const DAY_MS = 24 * 3_600_000;
const KEY_HINT = '32 random bytes in base64 (openssl rand -base64 32)';

/** 32 bytes in canonical base64 (44 characters, one `=`), or a problem that never echoes the value. */
function parseKey(name: string, text: string): Buffer | string {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return `${name} must be ${KEY_HINT}`;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === 32 ? key : `${name} must be ${KEY_HINT}`;
}

/** The key from ENCRYPTION_KEY or ENCRYPTION_KEY_FILE, a problem, or undefined when neither is set. */
function encryptionKey(
  e: { ENCRYPTION_KEY?: string | undefined; ENCRYPTION_KEY_FILE?: string | undefined },
  readFile: (path: string) => string,
): Buffer | string | undefined {
  const got = secretText('ENCRYPTION_KEY', e.ENCRYPTION_KEY, e.ENCRYPTION_KEY_FILE, readFile);
  return got === undefined || typeof got === 'string' ? got : parseKey(got.source, got.text);
}

/** Text from `VAR` or `VAR_FILE` (Docker secrets), a problem, or undefined when neither is set. */
function secretText(
  name: string,
  value: string | undefined,
  file: string | undefined,
  readFile: (path: string) => string,
): { text: string; source: string } | string | undefined {
  if (value !== undefined && file !== undefined) return `set ${name} or ${name}_FILE, not both`;
  if (value !== undefined) return { text: value, source: name };
  if (file === undefined) return undefined;
  try {
    return { text: readFile(file), source: `${name}_FILE (${file})` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return `${name}_FILE: cannot read ${file} (${code})`;
  }
}

/** The peppers from DEVICE_SECRET_PEPPER(_FILE), newest first, a problem, or undefined when unset. */
function devicePeppers(
  e: { DEVICE_SECRET_PEPPER?: string | undefined; DEVICE_SECRET_PEPPER_FILE?: string | undefined },
  readFile: (path: string) => string,
): Buffer[] | string | undefined {
  const got = secretText('DEVICE_SECRET_PEPPER', e.DEVICE_SECRET_PEPPER, e.DEVICE_SECRET_PEPPER_FILE, readFile);
  if (got === undefined || typeof got === 'string') return got;
  const parts = got.text
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return `${got.source} must be ${KEY_HINT}`;
  const keys: Buffer[] = [];
  for (const part of parts) {
    const key = parseKey(got.source, part);
    if (typeof key === 'string') return key;
    keys.push(key);
  }
  return keys;
}

type Env = z.infer<typeof EnvSchema>;

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
  if (!bad.has('HTTP_PORT') && !bad.has('MQTT_PORT') && e.HTTP_PORT !== 0 && e.HTTP_PORT === e.MQTT_PORT)
    problems.push('HTTP_PORT and MQTT_PORT must differ');
  if (isSet('MQTT_URL')) {
    for (const k of ['MQTT_USERNAME', 'MQTT_PASSWORD', 'MQTT_ADMIN_USERNAME', 'MQTT_ADMIN_PASSWORD'] as const)
      if (!isSet(k)) problems.push(`${k} is required with MQTT_URL`);
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
      host: e.HOST,
      demo,
      simulator: demo && e.SIM_COUNT > 0,
      ...(e.ADMIN_USERNAME && { adminUsername: e.ADMIN_USERNAME }),
      ...(e.ADMIN_PASSWORD && { adminPassword: e.ADMIN_PASSWORD }),
      ...(e.JWT_SECRET && { jwtSecret: e.JWT_SECRET }),
      tokenTtlS: e.TOKEN_TTL_S,
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
      ...(e.REDIS_URL &&
        key instanceof Buffer && { redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX, encryptionKey: key } }),
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
  return target && { redis: { ...target, keyPrefix: e.REDIS_KEY_PREFIX, encryptionKey } };
}
