import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { onFreePort, startProcess, waitUntil } from '@vigil/testkit';

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
  /** The running server's PID (a new one after `restart`). */
  readonly pid: number;
  /** Kills it with SIGKILL, as a crash would (its temp dir, and with `durable` its data, stay). */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir (a durable one loads what it acknowledged). */
  restart(): Promise<void>;
  /** SIGSTOP: a hung server, whose connections stay open while nothing is answered. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /**
   * An append-only file fsynced before every reply (`appendfsync always`), so what it acknowledged
   * survives a SIGKILL and `restart`; default: no persistence at all.
   */
  durable?: boolean;
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
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServer> {
  if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
  const persistence = opts.durable ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  return onFreePort(async (port) => {
    const server = await startProcess({
      name: 'redis-server',
      command: REDIS_SERVER,
      tmpDirPrefix: 'vigil-redis-',
      args: (dir) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir],
      ready: () => ping(port),
      readiness: `answer PING on port ${port}`,
    });
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      get pid() {
        return server.pid;
      },
      async kill() {
        process.kill(server.pid, 'SIGKILL');
        await waitUntil(async () => !(await ping(port)), { timeoutMs: 5_000, what: 'redis-server did not die' });
      },
      restart: () => server.restart(),
      pause: () => process.kill(server.pid, 'SIGSTOP'),
      resume: () => process.kill(server.pid, 'SIGCONT'),
      // A stopped server would ignore SIGTERM until its grace ran out.
      async stop() {
        try {
          process.kill(server.pid, 'SIGCONT');
        } catch {
          // Already gone (killed): nothing to wake.
        }
        await server.stop();
      },
    };
  });
}
