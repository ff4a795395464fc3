import { execFile } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { acceptsTcp, freePort, onFreePort, startProcess } from '@vigil/testkit';

/**
 * A private Mosquitto 2 with the dynamic-security plugin for infrastructure tests (STYLE.md §10):
 * Debian's binary on a free loopback port, no anonymous access, no persistence, a temp dir of its
 * own, stopped by PID (@vigil/testkit). Never the system Mosquitto (which may hold 1883).
 */
export const MOSQUITTO = '/usr/sbin/mosquitto';
export const MOSQUITTO_CTRL = '/usr/bin/mosquitto_ctrl';
export const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';
export const MOSQUITTO_INSTALL_HINT = 'install mosquitto (apt-get install -y mosquitto)';
export const haveMosquitto = existsSync(MOSQUITTO) && existsSync(DYNSEC_PLUGIN);

export interface MosquittoServer {
  url: string;
  port: number;
  pid: number;
  /** The dynsec admin created at init. */
  admin: { username: string; password: string };
  /** With `tls`: the MQTT-over-TLS listener's port and URL. */
  tlsPort?: number;
  tlsUrl?: string;
  /** Everything Mosquitto logged so far (for failure messages). */
  output(): string;
  /** Stops and starts again on the same port with the same dynsec config (clients, roles survive). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartMosquittoOptions {
  /** How the dynsec config is created: `mosquitto_ctrl dynsec init` (default when installed) or our own JSON. */
  init?: 'mosquitto_ctrl' | 'json';
  /**
   * A TLS listener as well, configured by the shipped services/mosquitto/tls-listener.conf (what
   * docker compose runs) on a free loopback port, with `server.crt` and `server.key` from `certDir`.
   */
  tls?: { certDir: string };
}

const SHIPPED_TLS_LISTENER = fileURLToPath(new URL('../../../services/mosquitto/tls-listener.conf', import.meta.url));

/** The shipped TLS listener, on a private port and the test's certificate directory. */
async function tlsListenerConf(port: number, certDir: string): Promise<string> {
  const shipped = await readFile(SHIPPED_TLS_LISTENER, 'utf8');
  if (!/^listener 8883$/m.test(shipped)) throw new Error('tls-listener.conf has no `listener 8883` line');
  return shipped.replace(/^listener 8883$/m, `listener ${port} 127.0.0.1`).replaceAll('/mosquitto/certs', certDir);
}

const ADMIN_USER = 'vigil-admin';

/**
 * What `mosquitto_ctrl dynsec init` writes, for machines without it: an admin allowed the control
 * topic only; Mosquitto 2.0's password hash is PBKDF2-SHA512 (64 bytes) over the decoded salt.
 */
function dynsecJson(username: string, password: string): string {
  const salt = randomBytes(12);
  const iterations = 101;
  const hash = pbkdf2Sync(password, salt, iterations, 64, 'sha512');
  const acl = (acltype: string, topic: string) => ({ acltype, topic, allow: true });
  return JSON.stringify({
    clients: [
      {
        username,
        textName: 'Dynsec admin user',
        password: hash.toString('base64'),
        salt: salt.toString('base64'),
        iterations,
        roles: [{ rolename: 'admin' }],
      },
    ],
    roles: [
      {
        rolename: 'admin',
        acls: [
          acl('publishClientSend', '$CONTROL/dynamic-security/#'),
          acl('publishClientReceive', '$CONTROL/dynamic-security/#'),
          acl('subscribePattern', '$CONTROL/dynamic-security/#'),
        ],
      },
    ],
    defaultACLAccess: { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true },
  });
}

async function initDynsec(file: string, password: string, init: 'mosquitto_ctrl' | 'json'): Promise<void> {
  if (init === 'mosquitto_ctrl') {
    await promisify(execFile)(MOSQUITTO_CTRL, ['dynsec', 'init', file, ADMIN_USER, password]);
  } else {
    await writeFile(file, dynsecJson(ADMIN_USER, password), { mode: 0o600 });
  }
}

function mosquittoConf(port: number, dir: string): string {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous false',
    'persistence false',
    // A dead engine's share queues in its offline sessions until it restarts: never drop it
    // (external/README.md "Engine sessions"). Not 0 (unlimited): Mosquitto 2.0.11 then never acks a
    // QoS 1 publish that follows one the ACL denied.
    'max_queued_messages 1000000',
    'max_inflight_messages 256',
    `plugin ${DYNSEC_PLUGIN}`,
    `plugin_opt_config_file ${join(dir, 'dynamic-security.json')}`,
    // Started as root, Mosquitto would drop to the `mosquitto` user, which may not write our temp dir.
    `user ${userInfo().username}`,
    // stderr: unbuffered, so a test can wait for a line.
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    '',
  ].join('\n');
}

/** Starts a private Mosquitto; retries on another port if the free one was taken meanwhile. */
export async function startMosquitto(opts: StartMosquittoOptions = {}): Promise<MosquittoServer> {
  if (!haveMosquitto) throw new Error(MOSQUITTO_INSTALL_HINT);
  const admin = { username: ADMIN_USER, password: randomBytes(16).toString('base64url') };
  const init = opts.init ?? (existsSync(MOSQUITTO_CTRL) ? 'mosquitto_ctrl' : 'json');
  return onFreePort(async (port) => {
    const tlsPort = opts.tls ? await freePort() : undefined;
    const running = await startProcess({
      name: 'mosquitto',
      command: MOSQUITTO,
      tmpDirPrefix: 'vigil-mosquitto-',
      args: async (dir) => {
        await initDynsec(join(dir, 'dynamic-security.json'), admin.password, init);
        const conf = join(dir, 'mosquitto.conf');
        const tls = opts.tls && tlsPort ? await tlsListenerConf(tlsPort, opts.tls.certDir) : '';
        await writeFile(conf, mosquittoConf(port, dir) + tls);
        return ['-c', conf];
      },
      ready: async () => (await acceptsTcp(port)) && (tlsPort === undefined || (await acceptsTcp(tlsPort))),
      readiness: `listen on port ${port}`,
    });
    const server: MosquittoServer = {
      url: `mqtt://127.0.0.1:${port}`,
      port,
      ...(tlsPort !== undefined && { tlsPort, tlsUrl: `mqtts://127.0.0.1:${tlsPort}` }),
      pid: running.pid,
      admin,
      output: () => running.output(),
      async restart() {
        await running.restart();
        server.pid = running.pid;
      },
      stop: () => running.stop(),
    };
    return server;
  });
}
