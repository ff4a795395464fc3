import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashSecret, limitArgon2, TokenService } from '@vigil/auth';
import type { Alert } from '@vigil/contracts';
import {
  AlertService,
  createDispatchSystem,
  Ingest,
  Monitor,
  RuleSettingsService,
  RetentionSweeper,
  StaleDataWatch,
  DEFAULT_PARTITIONS,
  OwnedSubjectStates,
  PartitionedResidentMemory,
  PartitionStates,
  type UplinkLog,
} from '@vigil/engine';
import type { WebSocketAttachment } from '@vigil/broker';
import { createGateway } from '@vigil/gateway';
import { type Clock, createLogger, type Logger, systemClock } from '@vigil/runtime';
import { createSimulator, MIXED } from '@vigil/simulator';
import { createMemoryStores, createRedisStores, type Stores } from '@vigil/stores';
import { createTsdbHistory } from '@vigil/tsdb';
import type { AppConfig } from './config.ts';
import { type DemoAccount, seedDemo } from './demo.ts';
import { retireDemoAccounts } from './demo-retire.ts';
import { deviceSecretSettings } from './device-secrets.ts';
import { argon2Gauges, createMetricsRegistry, engineGauges } from './metrics.ts';
import { createMqttSide } from './mqtt.ts';
import { ProbeServer } from './probe-server.ts';
import { RedisLinks } from './redis-links.ts';

/** The demo's first simulated episodes (SOS, falls, desaturation…) start 20 s to 3 min after start-up. */
const DEMO_FIRST_EPISODE_MS = [20_000, 180_000] as const;

export type AppOptions = Partial<AppConfig> & { clock?: Clock; logger?: Logger };

const DEFAULT_BOARD_DIR = fileURLToPath(new URL('../../../dashboards/board/dist', import.meta.url));

/**
 * The composition root (STYLE.md §2): builds every part from injected pieces and gives them one
 * lifecycle. `main.ts` reads the environment and handles signals; tests call `createApp` directly.
 *
 *   broker ──▶ ingest ──▶ monitor ──▶ alert service ──▶ event log ──▶ gateway (REST + Socket.IO)
 *
 * `role` picks the parts (architecture.md "Scale-out path"): `engine` runs ingest, rules, dispatch and
 * deadlines with only probes on HTTP; `gateway` runs REST, Socket.IO and the dashboards; `all` both.
 * Split roles meet only in Redis (stores, event log, live vitals, Socket.IO adapter) and the broker.
 */
export async function createApp(options: AppOptions = {}) {
  const config: AppConfig = {
    httpPort: 8080,
    mqttPort: 1883,
    host: '0.0.0.0',
    demo: false,
    simulator: false,
    tokenTtlS: 15 * 60,
    topicPrefix: 'care',
    logLevel: 'info',
    sim: { count: 24, rateHz: 1, seed: 42, scenario: 'mixed' },
    ...options,
  };
  const role = config.role ?? 'all';
  const runsEngine = role !== 'gateway';
  const runsGateway = role !== 'engine';
  const clock = options.clock ?? systemClock;
  // One bound per process: the CPU and libuv pool argon2id runs on are the process's (secrets.ts).
  if (config.argon2) limitArgon2(config.argon2);
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const now = () => clock.now();
  const retention = config.retention;
  const eventLog = {
    ...(retention && { retentionMs: retention.eventLogRetentionMs }),
    ...(retention?.eventLogMaxEvents !== undefined && { maxEvents: retention.eventLogMaxEvents }),
  };
  const redisStores = config.redis
    ? await createRedisStores(config.redis, {
        keyPrefix: config.redis.keyPrefix,
        now,
        encryption: {
          kek: config.redis.encryptionKey,
          ...(config.redis.encryptionAlgorithm && { algorithm: config.redis.encryptionAlgorithm }),
        },
        onConnectionError: (err) => logger.warn({ err }, 'redis connection error (reconnecting)'),
        // Background work nobody awaits: timed write-outs (tried again) and the cache invalidation feed.
        onError: (err) => logger.error({ err }, 'redis background write failed'),
        events: eventLog,
        ...(retention && { vitalsCapacityPerResident: retention.vitalsPointsPerResident }),
      })
    : undefined;
  const baseStores: Stores =
    redisStores ??
    createMemoryStores(now, {
      events: eventLog,
      // A restart forgets logouts and rotations: tokens from before it are refused (docs/security.md).
      tokensIssuedFrom: now(),
      ...(retention && {
        vitals: { capacityPerResident: retention.vitalsPointsPerResident, maxPoints: retention.vitalsMemoryMaxPoints },
      }),
    });
  const tsdb = config.influx
    ? createTsdbHistory({ ...config.influx, logger: logger.child({ module: 'tsdb' }) })
    : undefined;
  const stores: Stores = tsdb ? { ...baseStores, vitals: tsdb } : baseStores;
  const links = config.redis ? await RedisLinks.create(config.redis, logger) : undefined;
  const tokens = new TokenService({
    ...(config.jwtSecret && { secret: config.jwtSecret }),
    ttlSeconds: config.tokenTtlS,
    ...(config.sessionMaxAgeS !== undefined && { maxSessionSeconds: config.sessionMaxAgeS }),
    now: () => clock.now(),
  });
  const alerts = new AlertService({
    alerts: stores.alerts,
    events: stores.events,
    clock,
    locks: stores.locks,
    residents: stores.residents,
  });

  let ready = false;
  let ingest: Ingest | undefined;
  const deviceSecrets = deviceSecretSettings(config, logger);
  const mqtt = await createMqttSide(config, {
    devices: stores.devices,
    clock,
    logger,
    onUplink: (msg) => ingest?.handle(msg),
    // A gateway only provisions devices and sends commands; engines take the device messages.
    consume: runsEngine,
    ...(deviceSecrets && { deviceSecrets }),
  });

  const boardDir = config.boardDir ?? (existsSync(DEFAULT_BOARD_DIR) ? DEFAULT_BOARD_DIR : undefined);
  const ruleSettings = new RuleSettingsService({ store: stores.ruleSettings, clock });
  const dispatch = createDispatchSystem({ stores, alerts, ruleSettings, clock, logger });
  // Ready once started, and while Redis answers PINGs in time (a hung Redis too: reachability.ts):
  // without it nothing is acknowledged or judged.
  const isReady = () => ready && (redisStores?.connected() ?? true);
  const registry = createMetricsRegistry([
    ...mqtt.gauges,
    ...argon2Gauges(),
    ...engineGauges(() => ingest?.owned().length ?? 0, redisStores && (() => redisStores.connected())),
  ]);
  // Partitioned ownership (issue 12): subjects hash into partitions; this engine owns its share,
  // holds their rule memory in process and applies their records from the log. On Redis, engines
  // share the partitions by lease and checkpoint what they hold; in memory, this process owns them all.
  const partitionStates = new PartitionStates(DEFAULT_PARTITIONS);
  // The report's baselines and an import's seed (issue 15): this process's own partitions live, the
  // others from their checkpoints; seeds through the log to whichever engine owns the resident.
  const ruleMemory = new PartitionedResidentMemory({
    states: partitionStates,
    owned: () => (runsEngine ? (ingest?.owned() ?? []) : []),
    checkpoints: stores.checkpoints,
    log: stores.uplinks as UplinkLog,
  });
  const gateway = !runsGateway
    ? undefined
    : createGateway({
        stores,
        alerts,
        ruleSettings,
        ruleMemory,
        policy: dispatch.policy,
        tasks: dispatch.tasks,
        tokens,
        ...(deviceSecrets && { deviceSecrets }),
        ...(config.trustProxy && { trustProxy: config.trustProxy }),
        clock,
        logger: logger.child({ module: 'gateway' }),
        ...(boardDir && { boardDir }),
        ready: isReady,
        // REST and Socket.IO fail fast while Redis does not answer (issue 13 item 6).
        ...(redisStores && { reachability: redisStores.reachability }),
        registry,
        ...(links && { socketAdapter: links.socketAdapter() }),
        ...(mqtt.onDeviceProvisioned && { onDeviceProvisioned: mqtt.onDeviceProvisioned }),
        onDeviceDecommissioned: (deviceId: string) => mqtt.onDeviceDecommissioned(deviceId),
        onDeviceRebound: (device) => mqtt.onDeviceRebound(device),
        // contract §1: when a caregiver acknowledges an SOS, the wearable vibrates so the resident knows
        // help is coming.
        onAlertAcknowledged: (alert: Alert) => {
          if (alert.kind !== 'sos' || !alert.deviceId) return;
          mqtt.downlink
            .publish(alert.facilityId, alert.deviceId, 'commands', { type: 'vibrate', alertId: alert.id })
            .catch((err: unknown) => logger.warn({ err, alertId: alert.id }, 'vibrate command not sent'));
        },
      });

  const probes = runsGateway ? undefined : new ProbeServer(registry, isReady, logger.child({ module: 'probes' }));
  // Live vitals straight to this process's sockets, or through Redis to whichever gateway has watchers.
  const vitalsFeed = links ? links.vitalsPublisher() : gateway?.vitalsFeed;
  const monitor = new Monitor({
    stores,
    alerts,
    ruleSettings,
    clock,
    logger,
    ...(vitalsFeed && { vitalsFeed }),
    subjects: new OwnedSubjectStates((key) => partitionStates.subjectsOf(key)),
  });
  const staleData = new StaleDataWatch({ stores, alerts, ruleSettings, clock, logger });
  const sweeper = new RetentionSweeper({ stores, clock, logger, ...(retention && { policy: retention.policy }) });
  ingest = new Ingest({
    devices: stores.devices,
    counters: stores.counters,
    sink: monitor,
    downlink: mqtt.downlink,
    clock,
    logger: logger.child({ module: 'ingest' }),
    topicPrefix: config.topicPrefix,
    partitioning: {
      log: stores.uplinks as UplinkLog,
      leases: stores.leases,
      checkpoints: stores.checkpoints,
      durable: config.redis !== undefined,
      states: partitionStates,
      ...(stores.flush && { flush: stores.flush.bind(stores) }),
    },
  });

  let simulator: ReturnType<typeof createSimulator> | undefined;
  let mqttWebSocket: WebSocketAttachment | undefined;
  let demoAccounts: DemoAccount[] = [];

  return {
    config,
    stores,
    alerts,
    dispatch,
    tokens,
    /** How device secrets are hashed here (benchmarks provision devices straight into the stores). */
    deviceSecrets,
    logger,

    /** Starts listening; resolves with the ports actually bound (0 picks free ones). */
    async start(): Promise<{ httpPort: number; mqttPort: number; mqttsPort?: number; demoAccounts: DemoAccount[] }> {
      if (runsGateway && config.adminUsername && config.adminPassword && !(await hasAdmin(stores))) {
        await stores.users.put({
          id: 'admin',
          username: config.adminUsername,
          name: 'Administrator',
          role: 'admin',
          facilityIds: [],
          onDuty: false,
          passwordHash: await hashSecret(config.adminPassword),
        });
      }
      // Without the demo, its published passwords must open nothing (issue 13 LOW).
      if (runsGateway && !config.demo) await retireDemoAccounts(stores, clock.now(), tokens.maxSessionMs, logger);
      const demo = config.demo
        ? await seedDemo(stores, config.sim.count, clock.now(), config.sim.scenario === MIXED, deviceSecrets)
        : undefined;
      demoAccounts = demo?.accounts ?? [];
      // Dispatch follows the event log from before the first device can connect: no alert unseen.
      if (runsEngine) dispatch.start();
      // This engine's partitions before the first device message can arrive.
      if (runsEngine) await ingest?.start();
      const mqttPort = await mqtt.start();
      // An external broker authenticates devices itself: the demo's devices need their logins there.
      if (demo && mqtt.onDeviceProvisioned) {
        for (const d of demo.devices)
          await mqtt.onDeviceProvisioned({ id: d.deviceId, facilityId: d.facilityId, secret: d.secret });
      }
      if (gateway && links) await links.relayVitalsTo(gateway.vitalsFeed);
      // Devices over WebSocket on /mqtt of the HTTP port, same broker, authentication and ACL.
      if (gateway && mqtt.attachWebSocket && config.mqttWebSocket !== false)
        mqttWebSocket = mqtt.attachWebSocket(gateway.app.server);
      const httpPort = gateway
        ? await gateway.listen(config.httpPort, config.host)
        : await (probes as ProbeServer).listen(config.httpPort, config.host);
      ready = true;
      if (runsEngine) staleData.start();
      if (runsEngine) sweeper.start(retention?.sweepMs);
      if (demo && config.simulator) {
        simulator = createSimulator({
          url: mqtt.deviceUrl(mqttPort),
          devices: demo.devices,
          ratePerSecond: config.sim.rateHz,
          seed: config.sim.seed,
          scenario: config.sim.scenario,
          topicPrefix: config.topicPrefix,
          // Someone trying the demo should see the first episodes within minutes, not in a quarter hour.
          firstOnsetMs: DEMO_FIRST_EPISODE_MS,
        });
        await simulator.start();
      }
      const mqttsPort = mqtt.tlsPort();
      return { httpPort, mqttPort, ...(mqttsPort !== undefined && { mqttsPort }), demoAccounts };
    },

    /** Shutdown order (dependencies.md): not ready → simulator → HTTP and Socket.IO → MQTT. */
    async stop(): Promise<void> {
      ready = false;
      staleData.stop();
      sweeper.stop();
      await dispatch.stop();
      await simulator?.stop();
      // Device WebSockets before the HTTP server: an upgraded socket would otherwise wait for its cut.
      await mqttWebSocket?.close();
      await gateway?.close();
      await probes?.close();
      await mqtt.close();
      // What the broker acknowledged is applied before the stores close.
      await ingest?.stop();
      await links?.close();
      // Last: everything above may still write while it drains (dependencies.md shutdown order).
      await tsdb?.close();
      await redisStores?.close();
    },
  };
}

export type App = Awaited<ReturnType<typeof createApp>>;

async function hasAdmin(stores: Stores): Promise<boolean> {
  return (await stores.users.list()).some((u) => u.role === 'admin');
}
