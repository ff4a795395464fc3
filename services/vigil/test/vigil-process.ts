import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { AlertEnvelope } from '@vigil/contracts';
import { createRedisStores, type RedisStores, type VitalsHistory } from '@vigil/stores';
import { freePort, type PrivateProcess, startProcess } from '@vigil/testkit';
import type { createPlatformClient } from './harness.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = 'services/vigil/src/main.ts';

/** What every process of one deployment must share (config.ts): tokens, sealed data, secret hashes. */
export function sharedSecrets(redisUrl: string, keyPrefix: string): NodeJS.ProcessEnv {
  const key = () => randomBytes(32).toString('base64');
  return {
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    JWT_SECRET: randomBytes(24).toString('base64url'),
    ENCRYPTION_KEY: key(),
    DEVICE_SECRET_PEPPER: key(),
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: 'admin-pass-123',
  };
}

export interface VigilProcess {
  proc: PrivateProcess;
  httpUrl: string;
  /** Its embedded broker, where devices connect. */
  mqttPort: number;
  /** `/metrics` read once: the value of a gauge or counter without labels (NaN when absent). */
  metric(name: string): Promise<number>;
  /** `/readyz`'s status code (0 when it does not answer at all). */
  readyz(): Promise<number>;
}

/**
 * main.ts as its own OS process with its embedded broker, configured by environment alone (contract
 * §5) on free loopback ports, ready when `/readyz` answers 200; stopped (or killed) by PID. A port
 * another process took meanwhile means another try.
 */
export async function startVigilProcess(name: string, env: NodeJS.ProcessEnv): Promise<VigilProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const httpUrl = `http://127.0.0.1:${httpPort}`;
    const readyz = async () => (await fetch(`${httpUrl}/readyz`).catch(() => undefined))?.status ?? 0;
    try {
      const proc = await startProcess({
        name,
        command: process.execPath,
        args: ['--import', 'tsx', MAIN],
        cwd: REPO,
        env: {
          PATH: process.env.PATH,
          HOST: '127.0.0.1',
          HTTP_PORT: String(httpPort),
          MQTT_PORT: String(mqttPort),
          DEMO: 'false',
          LOG_LEVEL: 'warn',
          ...env,
        },
        ready: async () => (await readyz()) === 200,
        readiness: 'answer /readyz',
        timeoutMs: 60_000,
        outputLimit: 64 * 1024,
      });
      const metric = async (metricName: string) => {
        const text = await (await fetch(`${httpUrl}/metrics`)).text();
        return Number(new RegExp(`^${metricName} (\\S+)$`, 'm').exec(text)?.[1]);
      };
      return { proc, httpUrl, mqttPort, metric, readyz };
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/**
 * The provisioned caregiver (`carer1`) on duty with a board open: every alert event it is sent, in
 * order, collected for the test to read.
 */
export async function watchBoardOnDuty(platform: ReturnType<typeof createPlatformClient>): Promise<AlertEnvelope[]> {
  const carer = await platform.login('carer1', 'carer-pass-123');
  await platform.must('PUT', '/api/users/carer1/duty', carer, { onDuty: true });
  const board = await platform.connectBoard(carer);
  const seen: AlertEnvelope[] = [];
  board.on('alert', (e: AlertEnvelope) => seen.push(e));
  return seen;
}

/** A wearable of a fault test: the seqs the broker acknowledged, and each seq's device time. */
export interface AckedWearable {
  deviceId: string;
  acked: ReadonlySet<number>;
  tsOf(seq: number): number;
}

/**
 * The acknowledged samples missing from their resident's history (`r<i+1>` for the i-th wearable),
 * as `device#seq`: read from Redis through stores of their own, as any other process would.
 */
export async function ackedNotInHistory(
  history: VitalsHistory,
  wearables: readonly AckedWearable[],
  samples: number,
): Promise<string[]> {
  const missing: string[] = [];
  for (const [i, w] of wearables.entries()) {
    const have = new Set((await history.range(`r${i + 1}`, w.tsOf(1), w.tsOf(samples))).map((p) => p.ts));
    for (const seq of w.acked) if (!have.has(w.tsOf(seq))) missing.push(`${w.deviceId}#${seq}`);
  }
  return missing;
}

/** Stores on the processes' Redis, opened with their key prefix and key (`sharedSecrets`). */
export function storesLike(redisUrl: string, env: NodeJS.ProcessEnv): Promise<RedisStores> {
  return createRedisStores(redisUrl, {
    keyPrefix: env.REDIS_KEY_PREFIX as string,
    encryption: { kek: Buffer.from(env.ENCRYPTION_KEY as string, 'base64') },
  });
}
