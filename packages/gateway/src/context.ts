import type { DeviceSecretSettings, FailureBackoff, TokenService } from '@vigil/auth';
import type { Alert, Resident } from '@vigil/contracts';
import type {
  AlertService,
  PolicyService,
  ResidentMemoryAccess,
  RuleSettingsService,
  TaskService,
} from '@vigil/engine';
import type { Clock, Logger } from '@vigil/runtime';
import type { StoreReachability, Stores } from '@vigil/stores';
import type { Registry } from 'prom-client';
import type { ServerOptions } from 'socket.io';
import type { AuditOptions, AuditRecorder } from './audit.ts';
import type { GatewayMetrics } from './metrics.ts';

/** What the composition root injects (STYLE.md §2, §3). */
export interface GatewayDeps {
  stores: Stores;
  alerts: AlertService;
  /** Facility rule settings, shared with the monitor that applies them. */
  ruleSettings: RuleSettingsService;
  /**
   * Residents' rule memory as the engine holds it (issue 15): the report shows the personal baselines
   * in use, an import seeds them. Absent: reports list none and imports seed none.
   */
  ruleMemory?: ResidentMemoryAccess;
  /** Dispatch and SLA policy per facility (`/api/facilities/{id}/policy`). */
  policy: PolicyService;
  /** Task actions over REST and delivery receipts over Socket.IO. */
  tasks: TaskService;
  tokens: TokenService;
  /** How new device secrets are hashed (server peppers); absent: argon2id. */
  deviceSecrets?: DeviceSecretSettings;
  clock: Clock;
  logger: Logger;
  /** Built dashboard directory; served at `/` with an SPA fallback to index.html (contract §5). */
  boardDir?: string;
  /** `/readyz` answers 503 while this returns false (e.g. during start-up or shutdown). */
  ready?: () => boolean;
  /**
   * Whether the stores answer now (Redis: reachability.ts). While they do not, REST answers 503
   * `unavailable` and Socket.IO says so, instead of waiting (fail-fast.ts). Absent: always reachable.
   */
  reachability?: StoreReachability;
  /**
   * The Prometheus registry `/metrics` exposes; the composition root registers broker, ingest and
   * process metrics on it too. A private one is made when absent.
   */
  registry?: Registry;
  /**
   * Called before a new device is stored, with its secret in clear (the only moment it exists): an
   * external broker that authenticates devices itself (Mosquitto dynamic security) must learn it.
   * A rejection fails the request with 503 and nothing is stored.
   */
  onDeviceProvisioned?: (device: { id: string; facilityId: string; secret: string }) => Promise<void>;
  /** Lets the broker drop a decommissioned device's live connection (contract §1). */
  onDeviceDecommissioned?: (deviceId: string) => void;
  /**
   * A resident's transfer re-bound the device to another facility (issue 15): the broker must let it
   * publish under the new facility's topics (contract §1 ACL) and drop the connection authorised for
   * the old ones. Called after the device record changed; a rejection is logged and reported.
   */
  onDeviceRebound?: (device: { id: string; fromFacilityId: string; toFacilityId: string }) => Promise<void>;
  /** E.g. the `vibrate` command to the SOS wearer's device (contract §1 `commands`). */
  onAlertAcknowledged?: (alert: Alert) => void;
  /**
   * Back-off after failed logins, per address and username (packages/auth failure-backoff.ts; issue
   * 13); successes are never limited. Default: `DEFAULT_BACKOFF` on `clock`, in this process's memory.
   */
  loginBackoff?: FailureBackoff;
  /**
   * Reverse proxies (addresses, CIDR blocks) whose X-Forwarded-For names the client: a login backs off
   * under the client's address, not the proxy's. Absent: the TCP peer, and the header is ignored.
   */
  trustProxy?: readonly string[];
  /** How the audit log is written (to `stores.audit`); defaults suit production. */
  auditOptions?: AuditOptions;
  /**
   * Socket.IO adapter for several gateways (architecture.md: `@socket.io/redis-streams-adapter`), so
   * that room operations reach every gateway's sockets (a withdrawn consent closes live vitals
   * everywhere). Events need no adapter: every gateway tails the shared event log itself.
   */
  socketAdapter?: ServerOptions['adapter'];
}

/** Late-bound hooks into the realtime side: the REST app is built before Socket.IO attaches to it. */
export interface RealtimeHooks {
  /** Resolves once every gateway's sockets have been told (errors are logged, never thrown). */
  consentChanged(resident: Resident): Promise<void>;
  socketsConnected(): number;
}

export interface GatewayContext extends GatewayDeps {
  stats: GatewayMetrics;
  realtime: RealtimeHooks;
  /** Every read or change of resident health data goes through it (contract §4.2). */
  audit: AuditRecorder;
}

/** Options every route plugin receives. */
export interface RouteOptions {
  ctx: GatewayContext;
}
