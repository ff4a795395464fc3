import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private redis-server for infrastructure tests (STYLE.md §10): Debian's binary on a free loopback
 * port, no persistence, a temp dir of its own, stopped by PID. Never a shared or fixed-port server.
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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
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

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

async function startOnce(dir: string): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.on('error', (err) => {
    output += `${err.message}\n`;
  });
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${REDIS_SERVER}: ${output}`);
  const stop = async () => {
    if (exited(child)) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (!exited(child)) process.kill(pid, 'SIGKILL');
    }, 5_000);
    await gone;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    if (await ping(port)) return { url: `redis://127.0.0.1:${port}`, port, pid, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output}`);
}

/** Starts a private redis-server; retries on another port if the free one was taken meanwhile. */
export async function startRedisServer(): Promise<RedisServer> {
  if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-redis-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const server = await startOnce(dir);
      return {
        ...server,
        async stop() {
          await server.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      lastError = err;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}
