import { connect as tcpConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startHarness } from './fixtures.ts';

// A monitoring service must restart promptly: a client that never finishes its request (or a board
// reconnecting in the middle of a shutdown) must not hold the gateway's close open.
describe('shutdown', () => {
  it('cuts connections that outlive the grace period instead of waiting for them', async () => {
    const h = await startHarness();
    const port = Number(new URL(h.base).port);
    const stuck = tcpConnect(port, '127.0.0.1');
    await new Promise<void>((resolve) => stuck.once('connect', () => resolve()));
    // Headers sent, body promised but never sent: an in-flight request from the server's point of view.
    stuck.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const closed = new Promise<void>((resolve) => stuck.once('close', () => resolve()));
    await new Promise((r) => setTimeout(r, 100));

    const started = performance.now();
    await h.close();
    await closed;
    // The grace is 2 s; without the cut, close() waits for the client forever.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
