import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A private Mosquitto 2 with the dynamic-security plugin for infrastructure tests (STYLE.md §10):
 * Debian's binary on a free loopback port, no anonymous access, no persistence, a temp dir of its
 * own, stopped by PID. Never the system Mosquitto (which may hold 1883).
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
  /** Everything Mosquitto logged so far (for failure messages). */
  output(): string;
  /** Stops and starts again on the same port with the same dynsec config (clients, roles survive). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartMosquittoOptions {
  /** How the dynsec config is created: `mosquitto_ctrl dynsec init` (default when installed) or our own JSON. */
  init?: 'mosquitto_ctrl' | 'json';
}

const ADMIN_USER = 'vigil-admin';

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

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => finish(true));
  });
}

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

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

interface Running {
  pid: number;
  stop(): Promise<void>;
}

async function launch(conf: string, port: number, log: { text: string }): Promise<Running> {
  const child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('error', (err) => {
    log.text += `${err.message}\n`;
  });
  child.stdout?.on('data', (c: Buffer) => {
    log.text += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    log.text += c.toString();
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${MOSQUITTO}: ${log.text}`);
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
    if (exited(child)) throw new Error(`mosquitto exited (${child.exitCode ?? child.signalCode}):\n${log.text}`);
    if (await accepts(port)) return { pid, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`mosquitto did not listen on port ${port} within 10 s:\n${log.text}`);
}

/** Starts a private Mosquitto; retries on another port if the free one was taken meanwhile. */
export async function startMosquitto(opts: StartMosquittoOptions = {}): Promise<MosquittoServer> {
  if (!haveMosquitto) throw new Error(MOSQUITTO_INSTALL_HINT);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-mosquitto-'));
  const admin = { username: ADMIN_USER, password: randomBytes(16).toString('base64url') };
  const log = { text: '' };
  try {
    await initDynsec(
      join(dir, 'dynamic-security.json'),
      admin.password,
      opts.init ?? (existsSync(MOSQUITTO_CTRL) ? 'mosquitto_ctrl' : 'json'),
    );
    const conf = join(dir, 'mosquitto.conf');
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      await writeFile(conf, mosquittoConf(port, dir));
      let running: Running;
      try {
        running = await launch(conf, port, log);
      } catch (err) {
        lastError = err;
        continue;
      }
      const server: MosquittoServer = {
        url: `mqtt://127.0.0.1:${port}`,
        port,
        pid: running.pid,
        admin,
        output: () => log.text,
        async restart() {
          await running.stop();
          running = await launch(conf, port, log);
          server.pid = running.pid;
        },
        async stop() {
          await running.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
      return server;
    }
    throw lastError;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
