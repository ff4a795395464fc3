import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, onFreePort, type StartProcessOptions, startProcess } from '@vigil/testkit';

/**
 * Private TSDB servers for infrastructure tests (STYLE.md §10), on @vigil/testkit like
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

/** Starts an HTTP server on `port` and polls `readyPath` until `ready(status, body)`. */
async function startHttpServer(
  port: number,
  opts: Pick<StartProcessOptions, 'name' | 'command' | 'args' | 'tmpDirPrefix'>,
  readyPath: string,
  ready: (status: number, body: string) => boolean,
): Promise<TsdbServer> {
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcess({
    ...opts,
    ready: async () => {
      try {
        const res = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(500) });
        return ready(res.status, await res.text());
      } catch {
        return false; // not listening yet
      }
    },
    readiness: `answer ${readyPath} on ${url}`,
    timeoutMs: 20_000,
    intervalMs: 100,
    // Keep the tail only: the servers log every start-up step.
    outputLimit: 8_000,
  });
  return { url, pid: server.pid, stop: () => server.stop() };
}

/**
 * Debian's VictoriaMetrics: accepts line protocol on `/write` and `/api/v2/write`, shows it on
 * `/api/v1/export`. `-search.latencyOffset=0s` makes points readable at once (default: 30 s late);
 * the long retention accepts any test timestamp.
 */
export async function startVictoriaMetrics(): Promise<TsdbServer> {
  if (!haveVictoriaMetrics) throw new Error(VICTORIA_METRICS_INSTALL_HINT);
  return onFreePort((port) =>
    startHttpServer(
      port,
      {
        name: 'victoria-metrics',
        command: VICTORIA_METRICS,
        tmpDirPrefix: 'vigil-vm-',
        args: (dir) => [
          `-httpListenAddr=127.0.0.1:${port}`,
          `-storageDataPath=${join(dir, `data-${port}`)}`,
          '-search.latencyOffset=0s',
          '-retentionPeriod=100y',
          '-loggerLevel=ERROR',
        ],
      },
      '/health',
      (status, body) => status === 200 && body.trim() === 'OK',
    ),
  );
}

/**
 * Debian's InfluxDB 1.x (1.6.7 on bookworm): v1 `/write` and InfluxQL `/query`, no `/api/v2/*`. A
 * generated config: HTTP and the RPC bind address on free ports, meta/data/wal in the temp dir, no
 * usage reporting, no `_internal` monitor database, quiet logs.
 */
export async function startInfluxd(): Promise<TsdbServer> {
  if (!haveInfluxd) throw new Error(INFLUXD_INSTALL_HINT);
  return onFreePort(async (httpPort) => {
    let rpcPort = await freePort();
    while (rpcPort === httpPort) rpcPort = await freePort();
    return startHttpServer(
      httpPort,
      {
        name: 'influxd',
        command: INFLUXD,
        tmpDirPrefix: 'vigil-influxd-',
        args: async (dir) => {
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
          return ['-config', config];
        },
      },
      '/ping',
      (status) => status === 204,
    );
  });
}
