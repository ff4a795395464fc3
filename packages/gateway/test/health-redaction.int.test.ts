import type { AuditEntry } from '@vigil/contracts';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, type Harness, type Json, login, raise, recordingSocket, startHarness } from './fixtures.ts';

/**
 * Issue 13 (medium): `GET /api/residents` handed out care plans without consent or audit; an alert's
 * title ("Heart rate high: 163 bpm") and `explanation.inputs` kept the vitals after consent was
 * withdrawn; alert reads were not audited; nothing said `Cache-Control: no-store`. Contract §4.2.
 */
let h: Harness;
const tokens: Record<string, string> = {};
const sockets: Socket[] = [];
const CARE_PLAN = { onOxygen: true, thresholds: { hr: { high: 110 } } };

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['manager1', 'care1', 'res1user']) tokens[u] = await login(h.base, u);
  const r1 = await h.stores.residents.get('r1');
  if (r1) await h.stores.residents.put({ ...r1, carePlan: CARE_PLAN });
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(() => h.close());

const get = (user: string, path: string) => api(h.base, 'GET', path, { token: tokens[user] });
const byId = (list: Json[], id: string) => list.find((x) => x.id === id);

async function auditEntry(match: Partial<AuditEntry>): Promise<AuditEntry> {
  return vi.waitFor(async () => {
    const hit = (await h.stores.audit.list({ limit: 5000 })).find((e) =>
      Object.entries(match).every(([k, v]) => e[k as keyof AuditEntry] === v),
    );
    if (!hit) throw new Error(`no audit entry like ${JSON.stringify(match)}`);
    return hit;
  });
}

const heartRateHigh = () =>
  raise(h.alerts, {
    kind: 'vital.hr_high',
    priority: 'medium',
    title: 'Heart rate high: 163 bpm',
    explanation: { rule: 'vital.hr_high', inputs: { hr: 163 }, condition: 'Heart rate ≥ 110 bpm (alert limit)' },
  });

describe('care plans in resident lists (contract §4.2 "lists included")', () => {
  it('are left out for a manager without consent, shown and audited for a caregiver, never cached', async () => {
    const manager = await get('manager1', '/api/residents?facilityId=f1');
    expect(manager.status).toBe(200);
    const hidden = byId(manager.body, 'r1');
    expect(hidden).toMatchObject({ id: 'r1', name: 'Ada', healthWithheld: true });
    expect(hidden).not.toHaveProperty('carePlan');

    const one = await get('manager1', '/api/residents/r1');
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('carePlan');

    const care = await get('care1', '/api/residents?facilityId=f1');
    expect(byId(care.body, 'r1').carePlan).toEqual(CARE_PLAN);
    expect(
      await auditEntry({ actorId: 'care1', action: 'resident.read', residentId: 'r1', detail: 'list' }),
    ).toMatchObject({ outcome: 'allowed', purpose: 'care' });

    const res = await fetch(`${h.base}/api/residents`, { headers: { authorization: `Bearer ${tokens.care1}` } });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('alerts after consent is withdrawn (contract §4.2)', () => {
  it('show no value in the title and no explanation inputs, over REST and Socket.IO', async () => {
    const alert = await heartRateHigh();
    // With consent: the caregiver sees the reading, and that read is audited.
    const before = await get('care1', `/api/alerts/${alert.id}`);
    expect(before.body.title).toBe('Heart rate high: 163 bpm');
    expect(before.body.explanation.inputs).toEqual({ hr: 163 });
    await auditEntry({ actorId: 'care1', action: 'alert.read', residentId: 'r1', detail: `alerts ${alert.id}` });

    const withdrawn = await api(h.base, 'PUT', '/api/residents/r1/consent', {
      token: tokens.res1user,
      body: { caregiver: false },
    });
    expect(withdrawn.status).toBe(200);

    const board = recordingSocket(h.base, { token: tokens.care1 });
    sockets.push(board.socket);
    await board.waitFor((e) => e.event === 'sync');

    for (const path of [`/api/alerts/${alert.id}`, '/api/alerts?facilityId=f1&residentId=r1']) {
      const res = await get('care1', path);
      expect(res.status).toBe(200);
      const shown = Array.isArray(res.body) ? byId(res.body, alert.id) : res.body;
      expect(shown.title).toBe('Heart rate high');
      expect(shown.explanation.inputs).toEqual({});
      expect(JSON.stringify(shown)).not.toContain('163');
      expect(shown.healthWithheld).toBe(true);
    }
    // The live board: the next change of the alert arrives redacted too.
    const ack = await api(h.base, 'POST', `/api/alerts/${alert.id}/ack`, { token: tokens.care1 });
    expect(ack.status).toBe(200);
    expect(ack.body.title).toBe('Heart rate high');
    const live = await board.waitFor((e) => e.event === 'alert' && e.envelope.data.id === alert.id);
    expect(live.envelope.data).toMatchObject({ title: 'Heart rate high', healthWithheld: true });
    expect(JSON.stringify(live.envelope)).not.toContain('163');

    // A manager (no manager consent either) never saw the value at all.
    const manager = await get('manager1', `/api/alerts/${alert.id}`);
    expect(manager.body.title).toBe('Heart rate high');
  });

  it('a live alert shown with its health content is audited as alert.read', async () => {
    const r1 = await h.stores.residents.get('r1');
    if (r1) await h.stores.residents.setConsent('r1', { ...r1.consent, caregiver: true });
    const board = recordingSocket(h.base, { token: tokens.care1 });
    sockets.push(board.socket);
    await board.waitFor((e) => e.event === 'sync');
    const fall = await raise(h.alerts, { kind: 'fall', title: 'Fall detected' });
    await board.waitFor((e) => e.event === 'alert' && e.envelope.data.id === fall.id);
    await auditEntry({ actorId: 'care1', action: 'alert.read', detail: `alert ${fall.id} (live alert.raised)` });
    // Its updates on the same board are the same read: recorded once per alert and socket.
    await h.alerts.acknowledge(fall.id, 'care1');
    await board.waitFor((e) => e.event === 'alert' && e.envelope.type === 'alert.acknowledged');
    const other = await raise(h.alerts, { kind: 'sos', title: 'SOS' });
    await board.waitFor((e) => e.event === 'alert' && e.envelope.data.id === other.id);
    await auditEntry({ actorId: 'care1', action: 'alert.read', detail: `alert ${other.id} (live alert.raised)` });
    const live = (await h.stores.audit.list({ limit: 5000 })).filter(
      (e) => e.actorId === 'care1' && e.detail?.startsWith(`alert ${fall.id} (live`),
    );
    expect(live).toHaveLength(1);
  });

  it('an SLA warning written before the engine left titles out carries the plain name for a manager without consent', async () => {
    const alert = await heartRateHigh();
    const board = recordingSocket(h.base, { token: tokens.manager1 });
    sockets.push(board.socket);
    await board.waitFor((e) => e.event === 'sync');
    const warning = {
      id: `sla-${alert.id}`,
      facilityId: 'f1',
      kind: 'alert_unacknowledged' as const,
      alertId: alert.id,
      limitMs: 60_000,
      detail: `medium alert "${alert.title}" not acknowledged within 60 s`,
      raisedAt: new Date().toISOString(),
    };
    await h.stores.slaWarnings.put(warning);
    await h.stores.events.append({ event: 'sla', type: 'sla.warning', facilityId: 'f1', data: warning });

    const listed = await get('manager1', '/api/sla/warnings?facilityId=f1');
    expect(byId(listed.body, warning.id).detail).toBe('medium alert "Heart rate high" not acknowledged within 60 s');
    const live = await board.waitFor((e) => e.event === 'sla' && e.envelope.data.id === warning.id);
    expect(live.envelope.data.detail).not.toContain('163');
  });
});
