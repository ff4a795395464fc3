import { TokenService } from '@vigil/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connect, type Harness, login, PASSWORD, startHarness } from './fixtures.ts';

/**
 * Issue 13, accounts: "Consent forgery" (HIGH) and the manager's clinical account (MEDIUM), through
 * the REST interface an attacker inside the facility has.
 */
let h: Harness;
const tokens: Record<string, string> = {};
/** The gateway's own token service, to issue a token as if the account had signed in earlier. */
const tokenService = new TokenService();

beforeAll(async () => {
  h = await startHarness({ deps: { tokens: tokenService } });
  for (const u of ['admin', 'manager1', 'manager2']) tokens[u] = await login(h.base, u);
});
afterAll(() => h.close());

const createUser = (as: string, body: Record<string, unknown>) =>
  api(h.base, 'POST', '/api/users', {
    token: tokens[as],
    body: { password: PASSWORD, name: 'Someone', facilityIds: ['f1'], ...body },
  });

describe('consent forgery (contract §4.1: a resident account is created by an admin only)', () => {
  it('a manager cannot create a resident account, so cannot set that resident’s consent', async () => {
    const forged = await createUser('manager1', { username: 'ben-forged', role: 'resident', residentId: 'r2' });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('forbidden');
    // Had it been created, this login would change r2's consent: it must not exist.
    await expect(login(h.base, 'ben-forged')).rejects.toThrow('401');
    expect((await h.stores.residents.get('r2'))?.consent.manager).toBe(false);
    // A manager of another facility learns nothing about f1.
    const across = await createUser('manager2', { username: 'x', role: 'resident', residentId: 'r2' });
    expect(across.status).toBe(404);
  });

  it('an admin creates one resident account per resident, never a second', async () => {
    const first = await createUser('admin', { username: 'ben', role: 'resident', residentId: 'r2' });
    expect(first.status).toBe(201);
    const second = await createUser('admin', { username: 'ben-again', role: 'resident', residentId: 'r2' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('conflict');
    // r1 already has one (res1user, seeded).
    const r1 = await createUser('admin', { username: 'ada-again', role: 'resident', residentId: 'r1' });
    expect(r1.status).toBe(409);
  });

  it('residentId links resident accounts only: a staff account cannot carry it', async () => {
    const res = await createUser('admin', { username: 'care-linked', role: 'caregiver', residentId: 'r2' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });
});

describe('a clinical account made by a manager waits for an admin (issue 13)', () => {
  it('cannot sign in, use a token or go on duty until an admin approves it', async () => {
    // The attack: the manager makes a medical login for themself, to read what residents never
    // consented to show managers (medical consent is on by default, manager consent off).
    const made = await createUser('manager1', { id: 'mm1', username: 'manager-as-doctor', role: 'medical' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ pendingApproval: true, createdBy: 'manager1' });

    const signIn = await api(h.base, 'POST', '/api/auth/login', {
      body: { username: 'manager-as-doctor', password: PASSWORD },
    });
    expect(signIn.status).toBe(403);
    expect(signIn.body.error.code).toBe('forbidden');
    // A token issued anyway (before the flag, or forged with the server's key) is refused too.
    const { token } = await tokenService.issue({ userId: 'mm1', role: 'medical', facilityIds: ['f1'] });
    expect((await api(h.base, 'GET', '/api/residents/r1/vitals', { token })).status).toBe(401);
    await expect(connect(h.base, { token })).rejects.toThrow('unauthorized');
    const duty = await api(h.base, 'PUT', '/api/users/mm1/duty', { token: tokens.manager1, body: { onDuty: true } });
    expect(duty.status).toBe(409);

    // The admin sees it waiting, and only the admin approves it.
    const list = await api(h.base, 'GET', '/api/users?facilityId=f1&limit=100', { token: tokens.admin });
    expect(list.body.find((u: { id: string }) => u.id === 'mm1')).toMatchObject({ pendingApproval: true });
    const bySelf = await api(h.base, 'POST', '/api/users/mm1/approve', { token: tokens.manager1 });
    expect(bySelf.status).toBe(403);
    const approved = await api(h.base, 'POST', '/api/users/mm1/approve', { token: tokens.admin });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ approvedBy: 'admin' });
    expect(approved.body).not.toHaveProperty('pendingApproval');
    const doctor = await login(h.base, 'manager-as-doctor');
    expect((await api(h.base, 'GET', '/api/residents/r1/vitals', { token: doctor })).status).toBe(200);
    expect((await api(h.base, 'POST', '/api/users/mm1/approve', { token: tokens.admin })).status).toBe(409);
  });

  it('accounts that see no more than the manager (manager, maintenance) and admin-made ones act at once', async () => {
    const maint = await createUser('manager1', { username: 'fixer', role: 'maintenance' });
    expect(maint.status).toBe(201);
    expect(maint.body).not.toHaveProperty('pendingApproval');
    await login(h.base, 'fixer');
    const care = await createUser('admin', { username: 'carer-by-admin', role: 'caregiver' });
    expect(care.body).not.toHaveProperty('pendingApproval');
    await login(h.base, 'carer-by-admin');
  });
});
