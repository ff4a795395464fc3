import { randomBytes } from 'node:crypto';
import { startMosquitto } from '../../../../../packages/broker/test/mosquitto-server.ts';
import { startRedisServer } from '../../../../../packages/stores/test/redis-server.ts';
import type { TargetName } from '../flags.ts';
import type { ProcessSet } from '../proc-stats.ts';
import { startBareBroker, startMain } from './node-process.ts';

/** A running target: where devices and boards connect, and the processes whose CPU and memory count. */
export interface Target {
  name: TargetName;
  /** What the report calls it. */
  label: string;
  mqttUrl: string;
  /** REST and Socket.IO (absent for the bare broker, which has neither). */
  httpUrl?: string;
  processes: ProcessSet;
  /** Processes that judge the vitals (engines), for a per-engine rate. */
  engines: string[];
  /** Warnings and errors each process logged so far (the last 64 KB of its output), for the JSON report. */
  warnings(): Record<string, string[]>;
  stop(): Promise<void>;
}

/** pino lines at warn (40) and above, or Mosquitto's lines saying error or warning; at most 20. */
export function warningLines(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => /"level":(40|50|60)\b/.test(l) || /\b(error|warning)\b/i.test(l))
    .slice(-20);
}

const collect = (procs: Record<string, { output(): string }>) => () =>
  Object.fromEntries(
    Object.entries(procs)
      .map(([name, p]) => [name, warningLines(p.output())] as const)
      .filter(([, lines]) => lines.length > 0),
  );

export const ADMIN = { username: 'admin', password: 'bench-admin-pass-123' };

const key = () => randomBytes(32).toString('base64');

/** (a) The floor: aedes with no authentication and no processing. */
async function bare(): Promise<Target> {
  const { proc, port } = await startBareBroker();
  return {
    name: 'bare',
    label: 'bare aedes',
    mqttUrl: `mqtt://127.0.0.1:${port}`,
    processes: { 'bare-aedes': proc.pid },
    engines: [],
    warnings: collect({ 'bare-aedes': proc }),
    stop: () => proc.stop(),
  };
}

/** (b) The default deployment: one main.ts, embedded broker, state in memory. */
async function embedded(): Promise<Target> {
  const p = await startMain('vigil-embedded', { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password }, true);
  return {
    name: 'embedded',
    label: 'embedded (1 process)',
    mqttUrl: `mqtt://127.0.0.1:${p.mqttPort}`,
    httpUrl: `http://127.0.0.1:${p.httpPort}`,
    processes: { vigil: p.proc.pid },
    engines: ['vigil'],
    warnings: collect({ vigil: p.proc }),
    stop: () => p.proc.stop(),
  };
}

/**
 * (c) Scale-out (docs/deploy.md "Scale-out"): a private redis-server and Mosquitto 2 with dynamic
 * security, `engines` engine processes on a shared subscription and one gateway, all separate OS
 * processes sharing only Redis and the broker. Devices connect to Mosquitto.
 */
async function redis(engines: number): Promise<Target> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const redisServer = await startRedisServer();
    stops.push(() => redisServer.stop());
    const mosquitto = await startMosquitto();
    stops.push(() => mosquitto.stop());
    // Every process must share these (config.ts): tokens, sealed health data, device secret hashes.
    const shared = {
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      JWT_SECRET: randomBytes(24).toString('base64url'),
      ENCRYPTION_KEY: key(),
      DEVICE_SECRET_PEPPER: key(),
      REDIS_URL: redisServer.url,
      REDIS_KEY_PREFIX: 'bench:',
      MQTT_URL: mosquitto.url,
      MQTT_USERNAME: 'vigil-engine',
      MQTT_PASSWORD: randomBytes(16).toString('base64url'),
      MQTT_ADMIN_USERNAME: mosquitto.admin.username,
      MQTT_ADMIN_PASSWORD: mosquitto.admin.password,
      // An engine's shared-subscription connections (each appends one message at a time), to size it.
      ...(process.env.MQTT_CONSUMERS && { MQTT_CONSUMERS: process.env.MQTT_CONSUMERS }),
    };
    const gateway = await startMain('vigil-gateway', { ...shared, VIGIL_ROLE: 'gateway' }, false);
    stops.push(() => gateway.proc.stop());
    const processes: ProcessSet = { gateway: gateway.proc.pid };
    const outputs: Record<string, { output(): string }> = { gateway: gateway.proc, mosquitto };
    const engineNames: string[] = [];
    for (let i = 1; i <= engines; i++) {
      const engine = await startMain(`vigil-engine-${i}`, { ...shared, VIGIL_ROLE: 'engine' }, false);
      stops.push(() => engine.proc.stop());
      processes[`engine-${i}`] = engine.proc.pid;
      outputs[`engine-${i}`] = engine.proc;
      engineNames.push(`engine-${i}`);
    }
    processes['redis-server'] = redisServer.pid;
    processes.mosquitto = mosquitto.pid;
    return {
      name: 'redis',
      label: `Redis + Mosquitto (${engines} engines, 1 gateway)`,
      mqttUrl: mosquitto.url,
      httpUrl: `http://127.0.0.1:${gateway.httpPort}`,
      processes,
      engines: engineNames,
      warnings: collect(outputs),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export function startTarget(name: TargetName, opts: { engines: number }): Promise<Target> {
  switch (name) {
    case 'bare':
      return bare();
    case 'embedded':
      return embedded();
    case 'redis':
      return redis(opts.engines);
  }
}
