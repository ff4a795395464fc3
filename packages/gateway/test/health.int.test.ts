import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.ts';
import { api, type Harness, login, minimalDeps, recordingSocket, startHarness } from './fixtures.ts';

let h: Harness;
let boardDir: string;

beforeAll(async () => {
  boardDir = await mkdtemp(join(tmpdir(), 'vigil-board-'));
  await writeFile(join(boardDir, 'index.html'), '<!doctype html><title>Vigil</title>');
  await writeFile(join(boardDir, 'app.js'), 'console.log(1)');
  h = await startHarness({ deps: { boardDir } });
});
afterAll(() => h.close());

describe('probes and metrics (contract §4.1)', () => {
  it('GET /healthz is ok; /readyz follows ready()', async () => {
    expect(await api(h.base, 'GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await api(h.base, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
    h.ready.value = false;
    expect((await api(h.base, 'GET', '/readyz')).status).toBe(503);
    h.ready.value = true;
  });

  it('GET /metrics is Prometheus text with requests, sockets, events and the extra metrics', async () => {
    const token = await login(h.base, 'care1');
    const r = recordingSocket(h.base, { token });
    await r.waitFor((e) => e.event === 'sync');
    await api(h.base, 'GET', '/api/alerts', { token });
    const res = await fetch(`${h.base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('vigil_process_uptime_seconds ');
    expect(text).toMatch(/vigil_http_requests_total\{method="GET",route="\/api\/alerts",status="200"\} 1/);
    expect(text).toContain('vigil_sockets_connected 1');
    expect(text).toMatch(/vigil_socket_events_emitted_total\{event="sync"\} \d+/);
    expect(text).toContain('vigil_test_extra 1');
    r.socket.close();
  });
});

describe('serving the board', () => {
  it('serves files, falls back to index.html for pages, and keeps /api 404s as JSON', async () => {
    const page = await fetch(`${h.base}/board/caregiver`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Vigil</title>');
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self' ws: wss:");
    expect(page.headers.get('x-powered-by')).toBeNull();
    expect((await fetch(`${h.base}/app.js`)).status).toBe(200);
    expect((await fetch(`${h.base}/missing.js`)).status).toBe(404);
    const apiMiss = await fetch(`${h.base}/api/missing`, { headers: { accept: 'text/html' } });
    expect(apiMiss.status).toBe(404);
    expect((await apiMiss.json()).error.code).toBe('not_found');
  });
});

describe('listen and close', () => {
  it('rejects a port in use with a clear error', async () => {
    const port = Number(new URL(h.base).port);
    const g = createGateway(minimalDeps());
    await expect(g.listen(port, '127.0.0.1')).rejects.toThrow(`HTTP port ${port} is already in use`);
    await g.close();
  });

  it('closes with sockets still connected', async () => {
    const t = await startHarness();
    const token = await login(t.base, 'care1');
    const r = recordingSocket(t.base, { token });
    await r.waitFor((e) => e.event === 'sync');
    const disconnected = new Promise((resolve) => r.socket.once('disconnect', resolve));
    await t.close();
    await disconnected;
    r.socket.close();
  });
});
