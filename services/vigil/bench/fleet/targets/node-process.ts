import { acceptsTcp, freePort, type PrivateProcess, startProcess } from '@vigil/testkit';
import { PLATFORM_NODE_FLAGS } from '../../../src/node-flags.ts';
import { REPO_ROOT } from '../ipc.ts';

export interface PlatformProcess {
  proc: PrivateProcess;
  httpPort: number;
  /** The embedded broker's port (0 when it uses an external one). */
  mqttPort: number;
}

const MAIN = 'services/vigil/src/main.ts';

/**
 * The flags the product runs with (services/vigil/src/node-flags.ts), given to the bare broker too so
 * the ratio compares code, not heap settings. `BENCH_NODE_FLAGS` replaces them (space-separated; an
 * empty value runs Node's defaults), to measure what a flag is worth in one run against another.
 */
function nodeFlags(): readonly string[] {
  const given = process.env.BENCH_NODE_FLAGS;
  return given === undefined ? PLATFORM_NODE_FLAGS : given.split(/\s+/).filter(Boolean);
}

/** The bare broker is profiled too, so a cost (say `writev`) can be compared per message with the floor's. */
function profileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROFILE;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/**
 * main.ts as its own OS process, configured by environment alone (contract §5) on free loopback
 * ports, ready when `/readyz` answers 200; stopped by PID with its temp dir (@vigil/testkit). A port
 * another process took meanwhile (engineers run tests on this machine too) means another try.
 */
export async function startMain(
  name: string,
  env: NodeJS.ProcessEnv,
  embeddedBroker: boolean,
): Promise<PlatformProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const httpPort = await freePort();
    const mqttPort = embeddedBroker ? await freePort() : 0;
    try {
      const proc = await startProcess({
        name,
        command: process.execPath,
        // BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of each product process there on exit (how
        // the per-message costs in docs/performance.md were found; open it in Chrome DevTools).
        args: [...nodeFlags(), ...profileArgs(), '--import', 'tsx', MAIN],
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH,
          HOST: '127.0.0.1',
          HTTP_PORT: String(httpPort),
          ...(embeddedBroker && { MQTT_PORT: String(mqttPort) }),
          DEMO: 'false',
          // The production default: what an operator runs (nothing is logged per message at info).
          LOG_LEVEL: 'info',
          ...env,
        },
        ready: async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`).catch(() => undefined))?.status === 200,
        readiness: 'answer /readyz',
        timeoutMs: 60_000,
        outputLimit: 64 * 1024,
      });
      return { proc, httpPort, mqttPort };
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** The bare broker (bare-broker.ts) on a free port, ready when it accepts TCP. */
export async function startBareBroker(): Promise<{ proc: PrivateProcess; port: number }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const proc = await startProcess({
        name: 'bare-aedes',
        command: process.execPath,
        args: [
          ...nodeFlags(),
          ...profileArgs(),
          '--import',
          'tsx',
          'services/vigil/bench/fleet/targets/bare-broker.ts',
        ],
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, BARE_BROKER_PORT: String(port) },
        ready: () => acceptsTcp(port),
        readiness: `accept connections on port ${port}`,
        timeoutMs: 30_000,
        outputLimit: 16 * 1024,
      });
      return { proc, port };
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
