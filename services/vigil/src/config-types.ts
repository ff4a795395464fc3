import type { RetentionPolicy } from '@vigil/engine';
import type { EncryptionAlgorithm, RedisTarget } from '@vigil/stores';
import type { MqttTlsConfig } from './config-tls.ts';

/** What a process runs (architecture.md "Scale-out path"; `VIGIL_ROLE`). */
export type ProcessRole = 'all' | 'engine' | 'gateway';

/** The validated configuration of one process: config.ts builds it from the environment. */
export interface AppConfig {
  /** What this process runs; `all` when absent. */
  role?: ProcessRole;
  httpPort: number;
  mqttPort: number;
  /** MQTT over TLS on the embedded broker as well, when certificate and key are given. */
  mqttTls?: MqttTlsConfig;
  /** MQTT over WebSocket on `/mqtt` of the HTTP port (embedded broker); on when absent. */
  mqttWebSocket?: boolean;
  host: string;
  demo: boolean;
  simulator: boolean;
  adminUsername?: string;
  adminPassword?: string;
  jwtSecret?: string;
  /** Access token lifetime (default 15 min). */
  tokenTtlS: number;
  /** How long after a login a session may still be refreshed (default 12 h). */
  sessionMaxAgeS?: number;
  /** The bound on argon2id work in this process (ARGON2_MAX_CONCURRENT, _QUEUED, _WAIT_MS); absent: defaults. */
  argon2?: { maxConcurrent: number; maxQueued: number; maxWaitMs: number };
  /** Reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY); absent: none. */
  trustProxy?: readonly string[];
  topicPrefix: string;
  logLevel: string;
  boardDir?: string;
  sim: { count: number; rateHz: number; seed: number; scenario: string };
  /**
   * Redis for all state instead of memory (architecture.md), with the key-encryption key that seals
   * the health data kept there and the cipher that seals it, AES-256-GCM when absent (docs/deploy.md
   * "Encryption at rest").
   */
  redis?: RedisTarget & { keyPrefix: string; encryptionKey: Buffer; encryptionAlgorithm?: EncryptionAlgorithm };
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
