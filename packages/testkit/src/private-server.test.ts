import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  acceptsTcp,
  freePort,
  onFreePort,
  type PrivateProcess,
  requireBinary,
  startProcess,
  waitUntil,
} from './index.ts';

/** A tiny "server": node listening on `port`, after saying hello. */
const listener = (port: number) => [
  '-e',
  `console.log('hello from the server'); require('node:net').createServer().listen(${port}, '127.0.0.1')`,
];

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('freePort and waitUntil', () => {
  it('gives a loopback port nobody listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await acceptsTcp(port)).toBe(false);
  });

  it('waits until the check holds', async () => {
    let calls = 0;
    await waitUntil(() => ++calls === 3, { timeoutMs: 2_000, intervalMs: 1, what: 'never' });
    expect(calls).toBe(3);
  });

  it('fails after the timeout with what it waited for and the detail', async () => {
    await expect(
      waitUntil(() => false, { timeoutMs: 100, intervalMs: 10, what: 'x did not happen', detail: () => 'the log' }),
    ).rejects.toThrow('x did not happen within 0.1 s:\nthe log');
  });

  it('onFreePort retries on a fresh port and gives up with the last error', async () => {
    const ports: number[] = [];
    await expect(
      onFreePort(async (port) => {
        ports.push(port);
        throw new Error(`taken: ${ports.length}`);
      }),
    ).rejects.toThrow('taken: 3');
    expect(ports).toHaveLength(3);
    expect(await onFreePort(async (port) => port)).toBeGreaterThan(0);
  });
});

describe('startProcess', () => {
  const started: PrivateProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop()));
  });

  it('is ready once it listens; stop kills it by PID and removes its temp dir', async () => {
    const port = await freePort();
    const server = await startProcess({
      name: 'node-listener',
      command: process.execPath,
      args: listener(port),
      ready: () => acceptsTcp(port),
      readiness: `listen on port ${port}`,
    });
    started.push(server);
    expect(await acceptsTcp(port)).toBe(true);
    expect(alive(server.pid)).toBe(true);
    expect(existsSync(server.tmpDir)).toBe(true);
    expect(server.tmpDir).toContain('vigil-node-listener-');
    await vi.waitFor(() => expect(server.output()).toContain('hello from the server'));

    await server.stop();
    expect(alive(server.pid)).toBe(false);
    expect(existsSync(server.tmpDir)).toBe(false);
    expect(await acceptsTcp(port)).toBe(false);
    await server.stop(); // twice is harmless
  });

  it('gives args the temp dir, and restarts in it with a new PID', async () => {
    const port = await freePort();
    let dir = '';
    const server = await startProcess({
      name: 'node-listener',
      command: process.execPath,
      tmpDirPrefix: 'vigil-testkit-',
      args: (tmpDir) => {
        dir = tmpDir;
        return listener(port);
      },
      ready: () => acceptsTcp(port),
      readiness: `listen on port ${port}`,
    });
    started.push(server);
    expect(server.tmpDir).toBe(dir);
    expect(dir).toContain('vigil-testkit-');
    const first = server.pid;
    await server.restart();
    expect(server.pid).not.toBe(first);
    expect(alive(first)).toBe(false);
    expect(await acceptsTcp(port)).toBe(true);
    expect(existsSync(dir)).toBe(true);
  });

  /** Starts a node script that never becomes ready; gives the error and the temp dir it had. */
  async function failToStart(name: string, script: string, timeoutMs?: number) {
    let dir = '';
    const err = await startProcess({
      name,
      command: process.execPath,
      args: (tmpDir) => {
        dir = tmpDir;
        return ['-e', script];
      },
      ready: async () => false,
      readiness: 'answer PING on port 1',
      timeoutMs,
      intervalMs: 20,
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    return { message: err?.message, dir };
  }

  it('fails with the output when the process exits early, and removes the temp dir', async () => {
    const { message, dir } = await failToStart('crasher', "console.error('bind: address in use'); process.exit(3)");
    expect(message).toBe('crasher exited (3):\nbind: address in use\n');
    expect(existsSync(dir)).toBe(false);
  });

  it('stops a process that never becomes ready and fails with its output', async () => {
    const { message, dir } = await failToStart('sleeper', "console.log('starting'); setInterval(() => {}, 1000)", 500);
    expect(message).toBe('sleeper did not answer PING on port 1 within 0.5 s:\nstarting\n');
    expect(existsSync(dir)).toBe(false);
  });

  it('SIGKILLs a process that ignores SIGTERM after the grace', async () => {
    const port = await freePort();
    const server = await startProcess({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', `process.on('SIGTERM', () => {}); ${listener(port)[1]}`],
      ready: () => acceptsTcp(port),
      readiness: `listen on port ${port}`,
      stopGraceMs: 200,
    });
    await server.stop();
    expect(alive(server.pid)).toBe(false);
    expect(existsSync(server.tmpDir)).toBe(false);
  });

  it('fails when the binary cannot be spawned', async () => {
    await expect(
      startProcess({
        name: 'missing',
        command: '/nonexistent/vigil-no-such-server',
        args: [],
        ready: async () => true,
        readiness: 'start',
      }),
    ).rejects.toThrow('could not start /nonexistent/vigil-no-such-server');
  });
});

describe('requireBinary', () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    vi.restoreAllMocks();
  });

  it('runs when the binaries are installed', () => {
    expect(requireBinary([process.execPath], 'install node', 'suite')).toBe(false);
  });

  it('skips a missing binary off CI, warning with the install hint', () => {
    delete process.env.CI;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(requireBinary([process.execPath, '/nonexistent/x'], 'install x: apt-get install -y x', 'x tests')).toBe(
      true,
    );
    expect(warn).toHaveBeenCalledWith('x tests skipped: install x: apt-get install -y x');
  });

  it('never skips under CI, so a missing binary fails the suite', () => {
    process.env.CI = 'true';
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(requireBinary('/nonexistent/x', 'install x', 'x tests')).toBe(false);
    expect(warn).not.toHaveBeenCalled();
  });
});
