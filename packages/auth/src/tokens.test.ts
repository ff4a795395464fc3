import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TokenService } from './tokens.ts';
import { hashSecret, verifySecret } from './secrets.ts';

describe('TokenService', () => {
  it('round-trips claims', async () => {
    const t = new TokenService();
    const { token } = await t.issue({ userId: 'u1', role: 'caregiver', facilityIds: ['f1'] });
    expect(await t.verify(token)).toMatchObject({ userId: 'u1', role: 'caregiver', facilityIds: ['f1'] });
  });

  it('issues short-lived tokens (15 min by default) with an id, and refuses one without exp', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const t = new TokenService({ secret: 'x'.repeat(32), now: () => now });
    const { token, expiresAt, tokenId } = await t.issue({ userId: 'u1', role: 'admin', facilityIds: [] });
    expect(expiresAt).toBe(now + 15 * 60_000);
    expect(await t.verify(token)).toMatchObject({ tokenId, expiresAt, issuedAt: now, sessionStartedAt: now });
    const noExp = await new SignJWT({ role: 'admin', fac: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer('vigil')
      .setAudience('vigil-dashboards')
      .setJti('j1')
      .setIssuedAt()
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await t.verify(noExp)).toBeUndefined();
  });

  it('caps a refreshed token at the session maximum and says when a session can no longer refresh', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const t = new TokenService({ ttlSeconds: 900, maxSessionSeconds: 1000, now: () => now });
    const started = now;
    now += 600_000;
    const second = await t.issue({ userId: 'u1', role: 'admin', facilityIds: [] }, { sessionStartedAt: started });
    expect(second.expiresAt).toBe(started + 1_000_000);
    const claims = await t.verify(second.token);
    expect(claims?.sessionStartedAt).toBe(started);
    expect(claims && t.refreshable(claims)).toBe(true);
    now = started + 1_000_000;
    expect(claims && t.refreshable(claims)).toBe(false);
  });

  it('rejects expired, foreign and malformed tokens', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const t = new TokenService({ secret: 'x'.repeat(32), ttlSeconds: 60, now: () => now });
    const { token } = await t.issue({ userId: 'u1', role: 'admin', facilityIds: [] });
    now += 61_000;
    expect(await t.verify(token)).toBeUndefined();
    const other = new TokenService({ secret: 'y'.repeat(32) });
    const foreign = await other.issue({ userId: 'u1', role: 'admin', facilityIds: [] });
    expect(await new TokenService({ secret: 'x'.repeat(32) }).verify(foreign.token)).toBeUndefined();
    expect(await t.verify('not.a.token')).toBeUndefined();
    expect(await t.verify('')).toBeUndefined();
  });

  it('answers a token verified before from memory until it expires; a changed byte never hits', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const t = new TokenService({ secret: 'x'.repeat(32), ttlSeconds: 60, now: () => now });
    const { token } = await t.issue({ userId: 'u1', role: 'caregiver', facilityIds: ['f1'] });
    const first = await t.verify(token);
    expect(await t.verify(token)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const [head, body, sig = ''] = token.split('.');
    const flipped = `${head}.${body}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await t.verify(flipped)).toBeUndefined();
    now += 60_000;
    expect(await t.verify(token)).toBeUndefined();
  });

  it('refuses the none algorithm', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ sub: 'u1', role: 'admin', fac: [], iss: 'vigil', aud: 'vigil-dashboards' }),
    ).toString('base64url');
    expect(await new TokenService().verify(`${header}.${body}.`)).toBeUndefined();
  });
});

describe('secrets', () => {
  it('hashes with argon2id and verifies', async () => {
    const h = await hashSecret('s3cret-value');
    expect(h.startsWith('$argon2id$')).toBe(true);
    expect(await verifySecret(h, 's3cret-value')).toBe(true);
    expect(await verifySecret(h, 'wrong')).toBe(false);
    expect(await verifySecret('garbage', 'wrong')).toBe(false);
  });
});
