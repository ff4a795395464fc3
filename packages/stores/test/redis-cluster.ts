import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { onFreePort, startProcess, waitUntil, type PrivateProcess } from '@vigil/testkit';
import { Redis } from 'ioredis';
import type { RedisClusterNode } from '../src/index.ts';
import { REDIS_INSTALL_HINT, REDIS_SERVER } from './redis-server.ts';

/**
 * A private Redis Cluster for infrastructure tests (STYLE.md §10): three redis-server masters with
 * `--cluster-enabled yes`, each on a free loopback port in a temp dir of its own, joined by
 * `redis-cli --cluster create` (no replicas), ready once every node reports `cluster_state:ok`.
 * Stopped by PID.
 */
export const REDIS_CLI = '/usr/bin/redis-cli';
export const REDIS_CLUSTER_BINARIES = [REDIS_SERVER, REDIS_CLI];
export const REDIS_CLUSTER_INSTALL_HINT = `${REDIS_INSTALL_HINT} (redis-cli comes with redis-tools)`;

const MASTERS = 3;
const run = promisify(execFile);

export interface RedisCluster {
  nodes: RedisClusterNode[];
  /** `REDIS_CLUSTER_NODES` as the service reads it. */
  nodesEnv: string;
  stop(): Promise<void>;
}

async function startNode(): Promise<{ port: number; process: PrivateProcess }> {
  return onFreePort(async (port) => {
    const process = await startProcess({
      name: 'redis-server (cluster node)',
      command: REDIS_SERVER,
      tmpDirPrefix: 'vigil-redis-cluster-',
      args: (dir) => [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `${dir}/nodes.conf`,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      ready: () => answers(port),
      readiness: `answer PING on port ${port}`,
    });
    return { port, process };
  });
}

async function answers(port: number): Promise<boolean> {
  try {
    const { stdout } = await run(REDIS_CLI, ['-p', String(port), 'PING'], { timeout: 2_000 });
    return stdout.trim() === 'PONG';
  } catch {
    return false;
  }
}

async function clusterOk(port: number): Promise<boolean> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await c.connect();
    return /cluster_state:ok/.test(String(await c.cluster('INFO')));
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const started: PrivateProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((p) => p.stop()));
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < MASTERS; i++) {
      const node = await startNode();
      started.push(node.process);
      ports.push(node.port);
    }
    await run(
      REDIS_CLI,
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: 30_000 },
    );
    await waitUntil(async () => (await Promise.all(ports.map(clusterOk))).every(Boolean), {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'the Redis Cluster did not reach cluster_state:ok',
    });
    const nodes = ports.map((port) => ({ host: '127.0.0.1', port }));
    return { nodes, nodesEnv: nodes.map((n) => `${n.host}:${n.port}`).join(','), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
