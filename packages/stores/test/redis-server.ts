import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { onFreePort, startProcess } from '@vigil/testkit';

/**
 * A private redis-server for infrastructure tests (STYLE.md §10): Debian's binary on a free loopback
 * port, no persistence, a temp dir of its own, stopped by PID (@vigil/testkit). Never a shared or
 * fixed-port server.
 */
export const REDIS_SERVER = '/usr/bin/redis-server';
export const REDIS_INSTALL_HINT = `no ${REDIS_SERVER}: install redis-server: apt-get install -y redis-server`;
export const haveRedisServer = existsSync(REDIS_SERVER);

export interface RedisServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** One PING over a raw socket: true on `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

/** Starts a private redis-server; retries on another port if the free one was taken meanwhile. */
export async function startRedisServer(): Promise<RedisServer> {
  if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
  return onFreePort(async (port) => {
    const server = await startProcess({
      name: 'redis-server',
      command: REDIS_SERVER,
      tmpDirPrefix: 'vigil-redis-',
      args: (dir) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      ready: () => ping(port),
      readiness: `answer PING on port ${port}`,
    });
    return { url: `redis://127.0.0.1:${port}`, port, pid: server.pid, stop: () => server.stop() };
  });
}
