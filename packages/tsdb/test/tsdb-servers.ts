import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Private TSDB servers for infrastructure tests (STYLE.md §10), in the style of
 * packages/stores/test/redis-server.ts: Debian's binaries on free loopback ports, a temp dir of their
 * own, stopped by PID. Never a shared or fixed-port server.
 */
export const VICTORIA_METRICS = '/usr/bin/victoria-metrics';
export const INFLUXD = '/usr/bin/influxd';
export const VICTORIA_METRICS_INSTALL_HINT = `no ${VICTORIA_METRICS}: install Debian's victoria-metrics: apt-get install -y victoria-metrics`;
export const INFLUXD_INSTALL_HINT = `no ${INFLUXD}: install Debian's influxdb (1.x): apt-get install -y influxdb`;
export const haveVictoriaMetrics = existsSync(VICTORIA_METRICS);
export const haveInfluxd = existsSync(INFLUXD);

export interface TsdbServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
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

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Spawns `bin`, then polls `readyPath` until `ready(status, body)`; stops it by PID on failure. */
async function spawnUntilReady(
  name: string,
  bin: string,
  args: string[],
  url: string,
  readyPath: string,
  ready: (status: number, body: string) => boolean,
): Promise<TsdbServer> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (c: Buffer) => {
    // Keep the tail only: the servers log every start-up step.
    output = (output + c.toString()).slice(-8_000);
  };
  child.on('error', (err) => {
    output += `${err.message}\n`;
  });
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${bin}: ${output}`);
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

  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    try {
      const res = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(500) });
      if (ready(res.status, await res.text())) return { url, pid, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${name} did not answer ${readyPath} on ${url} within 20 s:\n${output}`);
}

/** Retries on other ports if a free one was taken meanwhile; the temp dir goes with the server. */
async function withTempDir(prefix: string, start: (dir: string) => Promise<TsdbServer>): Promise<TsdbServer> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const server = await start(dir);
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

/**
 * Debian's VictoriaMetrics: accepts line protocol on `/write` and `/api/v2/write`, shows it on
 * `/api/v1/export`. `-search.latencyOffset=0s` makes points readable at once (default: 30 s late);
 * the long retention accepts any test timestamp.
 */
export async function startVictoriaMetrics(): Promise<TsdbServer> {
  if (!haveVictoriaMetrics) throw new Error(VICTORIA_METRICS_INSTALL_HINT);
  return withTempDir('vigil-vm-', async (dir) => {
    const port = await freePort();
    return spawnUntilReady(
      'victoria-metrics',
      VICTORIA_METRICS,
      [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${join(dir, `data-${port}`)}`,
        '-search.latencyOffset=0s',
        '-retentionPeriod=100y',
        '-loggerLevel=ERROR',
      ],
      `http://127.0.0.1:${port}`,
      '/health',
      (status, body) => status === 200 && body.trim() === 'OK',
    );
  });
}

/**
 * Debian's InfluxDB 1.x (1.6.7 on bookworm): v1 `/write` and InfluxQL `/query`, no `/api/v2/*`. A
 * generated config: HTTP and the RPC bind address on free ports, meta/data/wal in the temp dir, no
 * usage reporting, no `_internal` monitor database, quiet logs.
 */
export async function startInfluxd(): Promise<TsdbServer> {
  if (!haveInfluxd) throw new Error(INFLUXD_INSTALL_HINT);
  return withTempDir('vigil-influxd-', async (dir) => {
    const httpPort = await freePort();
    let rpcPort = await freePort();
    while (rpcPort === httpPort) rpcPort = await freePort();
    const config = join(dir, `influxdb-${httpPort}.conf`);
    await writeFile(
      config,
      [
        'reporting-disabled = true',
        `bind-address = "127.0.0.1:${rpcPort}"`,
        '[meta]',
        `  dir = "${join(dir, 'meta')}"`,
        '[data]',
        `  dir = "${join(dir, 'data')}"`,
        `  wal-dir = "${join(dir, 'wal')}"`,
        '  query-log-enabled = false',
        '[monitor]',
        '  store-enabled = false',
        '[http]',
        `  bind-address = "127.0.0.1:${httpPort}"`,
        '  log-enabled = false',
        '[logging]',
        '  level = "warn"',
        '',
      ].join('\n'),
    );
    return spawnUntilReady(
      'influxd',
      INFLUXD,
      ['-config', config],
      `http://127.0.0.1:${httpPort}`,
      '/ping',
      (status) => status === 204,
    );
  });
}
