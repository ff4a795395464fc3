import { isIP } from 'node:net';
import { isScenarioName, SCENARIO_NAMES } from '@vigil/simulator';
import { ENCRYPTION_ALGORITHMS, type RedisClusterNode } from '@vigil/stores';
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
/** An IP address, or a CIDR block (`10.0.0.0/8`, `fd00::/8`). */
const isIpOrCidr = (text: string): boolean => {
  const [ip = '', bits, extra] = text.split('/');
  const family = isIP(ip);
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};
const proxies = z
  .string()
  .transform((text) => text.split(',').map((p) => p.trim()))
  .refine((list) => list.every(isIpOrCidr), {
    error: 'must be IP addresses or CIDR blocks separated by commas, e.g. 10.0.0.5,172.16.0.0/12',
  });
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
  /**
   * Interface to bind. Default `0.0.0.0`, except with the demo (its passwords are in the README): then
   * `127.0.0.1`, so a laptop's demo is not open to its network unless HOST says so (issue 13 LOW).
   */
  HOST: z.string().min(1).optional(),
  /**
   * MQTT over TLS on the embedded broker (docs/deploy.md "Devices over TLS and WebSocket"): on with
   * MQTT_TLS_CERT and MQTT_TLS_KEY (PEM files), on MQTTS_PORT (0 picks a free port). Plain MQTT_PORT stays.
   */
  MQTTS_PORT: port.default(8883),
  MQTT_TLS_CERT: z.string().min(1).optional(),
  MQTT_TLS_KEY: z.string().min(1).optional(),
  /** Mutual TLS: devices must also present a certificate signed by this CA (PEM file; optional). */
  MQTT_TLS_CLIENT_CA: z.string().min(1).optional(),
  /** MQTT over WebSocket on `/mqtt` of HTTP_PORT, with the embedded broker (contract §1). */
  MQTT_WEBSOCKET: bool.default(true),
  DEMO: bool.default(true),
  ADMIN_USERNAME: z.string().min(1).max(128).optional(),
  // The password policy's length (packages/auth password-policy.ts; issue 13); app.ts checks the rest.
  ADMIN_PASSWORD: z.string().min(12, 'ADMIN_PASSWORD must be at least 12 characters').max(256).optional(),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  /**
   * Access token lifetime (contract §4.1: short-lived, default 15 min); boards keep a session going with
   * `POST /api/auth/refresh` up to `SESSION_MAX_AGE_S` after the login (docs/security.md "Sessions").
   */
  TOKEN_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(24 * 3600)
    .default(15 * 60),
  /** How long after a login its session may be refreshed (default 12 h: a shift and a margin). */
  SESSION_MAX_AGE_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(12 * 3600),
  /**
   * argon2id work (password hashes and verifications) at once, and waiting; beyond that a login is
   * answered 503 `busy` at once (issue 13 "cheap where unauthenticated"; docs/security.md "Login and
   * CONNECT floods"). Defaults: cores less one (1 to 3: the event loop keeps a core), 8 waiting per
   * running one.
   */
  ARGON2_MAX_CONCURRENT: z.coerce.number().int().min(1).max(64).optional(),
  ARGON2_MAX_QUEUED: z.coerce.number().int().min(0).max(10_000).optional(),
  /** The longest a login may wait for argon2id before it is refused instead (default 500). */
  ARGON2_MAX_WAIT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /**
   * The reverse proxies in front of HTTP (docs/deploy.md "Behind a reverse proxy"): from these alone
   * X-Forwarded-For is believed, so a login's source address is the client's, not the proxy's. Unset:
   * the TCP peer, whatever the header says (a client cannot choose its own address).
   */
  TRUST_PROXY: proxies.optional(),
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
   * The cipher that seals health data at rest (docs/deploy.md "Encryption at rest"): `aes-256-gcm`, or
   * `sm4` (SM4-CTR + HMAC-SM3, the national algorithms). Each sealed value names its algorithm, so a
   * switch either way keeps what was sealed before readable.
   */
  ENCRYPTION_ALGORITHM: z
    .enum(ENCRYPTION_ALGORITHMS, { error: `must be one of ${ENCRYPTION_ALGORITHMS.join(', ')}` })
    .default('aes-256-gcm'),
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

export type Env = z.infer<typeof EnvSchema>;
