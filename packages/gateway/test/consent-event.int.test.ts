import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, type Harness, login, recordingSocket, startHarness } from './fixtures.ts';

let h: Harness;
const tokens: Record<string, string> = {};
const open: Socket[] = [];

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['medical1', 'care2', 'res1user', 'admin']) tokens[u] = await login(h.base, u);
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(() => h.close());

const as = (u: string) => tokens[u] ?? '';
const board = async (user: string) => {
  const r = recordingSocket(h.base, { token: as(user) });
  open.push(r.socket);
  await r.waitFor((e) => e.event === 'sync');
  return r;
};
const setConsent = (body: Record<string, boolean>) =>
  api(h.base, 'PUT', '/api/residents/r1/consent', { token: as('res1user'), body });
const sample = (residentId: string, hr: number) =>
  h.gateway.vitalsFeed.publish('f1', { residentId, ts: new Date().toISOString(), hr });

/**
 * Issue 14 "a consent change takes effect at once on staff boards": the extension event `consent`
 * reaches the boards of the facility (and the resident's own), the server has already stopped the
 * live vitals the consent no longer covers, and a consent given again lets the board subscribe again.
 */
describe('consent.changed (extension, contract §4.3)', () => {
  it('tells the facility’s boards, stops live vitals at once, and lets them start again', async () => {
    const doctor = await board('medical1');
    const elsewhere = await board('care2');
    const self = await board('res1user');
    const subscribe = (ids: string[]) =>
      doctor.socket.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ids });
    expect(await subscribe(['r1', 'r2'])).toEqual({ ok: true });
    sample('r1', 70);
    await doctor.waitFor((e) => e.event === 'vitals' && e.envelope.data.hr === 70);

    try {
      expect((await setConsent({ medical: false })).status).toBe(200);
      const off = await doctor.waitFor((e) => e.event === 'consent');
      expect(off.envelope).toMatchObject({
        type: 'consent.changed',
        facilityId: 'f1',
        data: { residentId: 'r1', consent: { caregiver: true, medical: false, manager: false, location: false } },
      });
      expect(typeof off.envelope.id).toBe('string');
      await self.waitFor((e) => e.event === 'consent' && e.envelope.data.consent.medical === false);

      // The stream stopped before the board heard: r1's next sample does not come, r2's does.
      sample('r1', 101);
      sample('r2', 62);
      await doctor.waitFor((e) => e.event === 'vitals' && e.envelope.data.hr === 62);
      expect(doctor.events.filter((e) => e.event === 'vitals' && e.envelope.data.hr === 101)).toEqual([]);
      expect(await subscribe(['r1'])).toMatchObject({ error: { code: 'forbidden' } });

      // Given again: the board hears it and subscribes again, and r1's vitals flow.
      expect((await setConsent({ medical: true })).status).toBe(200);
      await doctor.waitFor((e) => e.event === 'consent' && e.envelope.data.consent.medical === true);
      expect(await subscribe(['r1', 'r2'])).toEqual({ ok: true });
      sample('r1', 77);
      await doctor.waitFor((e) => e.event === 'vitals' && e.envelope.data.hr === 77);
    } finally {
      await setConsent({ medical: true });
    }
    // Another facility's board hears nothing of this resident.
    expect(elsewhere.events.filter((e) => e.event === 'consent')).toEqual([]);
  });

  it('is not sent when the change is refused', async () => {
    const doctor = await board('medical1');
    const refused = await api(h.base, 'PUT', '/api/residents/r1/consent', {
      token: as('medical1'),
      body: { medical: false },
    });
    expect(refused.status).toBe(403);
    // An admin's change on the resident's behalf is announced; the refused one before it was not.
    expect(
      (await api(h.base, 'PUT', '/api/residents/r1/consent', { token: as('admin'), body: { location: true } })).status,
    ).toBe(200);
    await doctor.waitFor((e) => e.event === 'consent');
    expect(doctor.events.filter((e) => e.event === 'consent').map((e) => e.envelope.data.consent.location)).toEqual([
      true,
    ]);
    await api(h.base, 'PUT', '/api/residents/r1/consent', { token: as('admin'), body: { location: false } });
  });
});
