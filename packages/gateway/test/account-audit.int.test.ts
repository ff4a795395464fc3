import type { AuditEntry } from '@vigil/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Harness, login, PASSWORD, startHarness } from './fixtures.ts';

/**
 * Issue 13, "Accounts": creating, approving, disabling, enabling and resetting accounts is written to
 * the audit log (who, role, what, when), and a clinical account a manager created is flagged there,
 * read back through `GET /api/audit` as the facility's managers and admins would, with the facility's
 * hash chain intact (`GET /api/audit/verify`).
 */
let h: Harness;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['admin', 'manager1', 'manager2']) tokens[u] = await login(h.base, u);
});
afterAll(() => h.close());

/** The audit entries of f1 about account `id`, oldest first, once `count` of them are there. */
async function accountEntries(id: string, count: number, as = 'manager1'): Promise<AuditEntry[]> {
  const read = async () => {
    const res = await api<AuditEntry[]>(h.base, 'GET', '/api/audit?facilityId=f1', { token: tokens[as] });
    expect(res.status).toBe(200);
    return res.body.filter((e) => e.action.startsWith('account.') && e.detail?.includes(`account ${id} `)).reverse();
  };
  await expect.poll(async () => (await read()).length).toBeGreaterThanOrEqual(count);
  return read();
}

const create = (as: string, body: Record<string, unknown>) =>
  api(h.base, 'POST', '/api/users', {
    token: tokens[as],
    body: { password: PASSWORD, name: 'Someone', facilityIds: ['f1'], ...body },
  });

describe('account changes are audited (issue 13)', () => {
  it('a clinical account a manager creates is flagged; its approval names the admin', async () => {
    expect((await create('manager1', { id: 'newmed', username: 'newmed', role: 'medical' })).status).toBe(201);
    const [created] = await accountEntries('newmed', 1);
    expect(created).toMatchObject({
      facilityId: 'f1',
      actorId: 'manager1',
      actorRole: 'manager',
      action: 'account.create',
      purpose: 'administration',
      outcome: 'allowed',
    });
    expect(created?.residentId).toBeUndefined();
    expect(created?.detail).toContain('(medical)');
    expect(created?.detail).toContain('flag manager_created_clinical');
    expect(Date.parse(created?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);

    expect((await api(h.base, 'POST', '/api/users/newmed/approve', { token: tokens.admin })).status).toBe(200);
    const entries = await accountEntries('newmed', 2);
    expect(entries[1]).toMatchObject({ actorId: 'admin', actorRole: 'admin', action: 'account.approve' });
    expect(entries[1]?.detail).toContain('created by manager1');
  });

  it('an account an admin creates, or a manager’s non-clinical one, is recorded without the flag', async () => {
    expect((await create('admin', { id: 'newcare', username: 'newcare', role: 'caregiver' })).status).toBe(201);
    expect((await create('manager1', { id: 'newmaint', username: 'newmaint', role: 'maintenance' })).status).toBe(201);
    const [byAdmin] = await accountEntries('newcare', 1);
    const [byManager] = await accountEntries('newmaint', 1);
    expect(byAdmin).toMatchObject({ actorId: 'admin', action: 'account.create' });
    expect(byManager).toMatchObject({ actorId: 'manager1', action: 'account.create' });
    expect(byAdmin?.detail).not.toContain('flag');
    expect(byManager?.detail).not.toContain('flag');
  });

  it('disable, enable, password reset and other changes are each their own entry, never the password', async () => {
    const patch = (body: Record<string, unknown>) =>
      api(h.base, 'PATCH', '/api/users/newcare', { token: tokens.manager1, body });
    const secret = 'a brand new passphrase';
    expect((await patch({ disabled: true })).status).toBe(200);
    expect((await patch({ disabled: false, password: secret })).status).toBe(200);
    expect((await patch({ name: 'Renamed', zoneIds: ['z1'] })).status).toBe(200);
    // Setting what already holds changes nothing and records nothing.
    expect((await patch({ disabled: false })).status).toBe(200);

    const entries = await accountEntries('newcare', 5);
    // Entries of one request share their millisecond: compared as a set.
    expect(entries.map((e) => `${e.action} by ${e.actorId}`).sort()).toEqual([
      'account.create by admin',
      'account.disable by manager1',
      'account.enable by manager1',
      'account.password by manager1',
      'account.update by manager1',
    ]);
    expect(entries.find((e) => e.action === 'account.update')?.detail).toContain('name, zoneIds');
    expect(JSON.stringify(entries)).not.toContain(secret);
  });

  it('other facilities do not see them, and the chain still verifies', async () => {
    const other = await api<AuditEntry[]>(h.base, 'GET', '/api/audit?facilityId=f2', { token: tokens.manager2 });
    expect(other.body.filter((e) => e.detail?.includes('account newcare '))).toEqual([]);
    expect((await api(h.base, 'GET', '/api/audit?facilityId=f1', { token: tokens.manager2 })).status).toBe(404);
    const verified = await api(h.base, 'GET', '/api/audit/verify?facilityId=f1', { token: tokens.manager1 });
    expect(verified.body).toMatchObject({ ok: true });
    expect(verified.body.entries).toBeGreaterThanOrEqual(7);
  });
});
