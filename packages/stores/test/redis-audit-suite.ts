import type { AuditEntry } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import type { RedisClient, RedisStores, RedisStoresOptions } from '../src/index.ts';
import { auditKeys } from '../src/redis/key-layout.ts';
import { Keys } from '../src/redis/script.ts';

const entry = (id: string, over: Partial<AuditEntry> = {}): AuditEntry => ({
  id,
  at: new Date(Date.now()).toISOString(),
  facilityId: 'f1',
  residentId: 'r1',
  actorId: 'u1',
  actorRole: 'caregiver',
  action: 'vitals.read',
  purpose: 'care',
  outcome: 'allowed',
  ...over,
});

/** The facility's stored member of an entry, and its score (as written by the audit store). */
async function memberOf(raw: RedisClient, prefix: string, id: string) {
  const key = auditKeys(new Keys(prefix), 'f1').entries;
  const flat = await raw.zrange(key, 0, -1, 'WITHSCORES');
  for (let i = 0; i < flat.length; i += 2) {
    if ((flat[i] as string).includes(`"id":"${id}"`))
      return { key, member: flat[i] as string, score: flat[i + 1] as string };
  }
  throw new Error(`no member for ${id}`);
}

/**
 * The audit chain where only a shared Redis shows it: several processes appending to one facility at
 * once, and someone with access to Redis editing, deleting or stripping an entry behind the store's back.
 */
export function redisAuditSuite(
  instance: (keyPrefix: string, opts?: RedisStoresOptions) => Promise<RedisStores>,
  freshPrefix: () => string,
  raw: () => RedisClient,
): void {
  describe('audit chain on a shared Redis', () => {
    it('two processes appending to one facility at once still make one valid chain', async () => {
      const prefix = freshPrefix();
      const [a, b] = await Promise.all([instance(prefix), instance(prefix)]);
      await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).audit.append(entry(`e${i}`))));
      expect(await a.audit.verify('f1')).toMatchObject({ ok: true, entries: 60 });
      const listed = await b.audit.list({ facilityId: 'f1', limit: 100 });
      // One chain: every hash but the newest is exactly one entry's prevHash.
      const prevs = new Set(listed.map((e) => e.prevHash));
      expect(listed.filter((e) => !prevs.has(e.hash))).toHaveLength(1);
    });

    it('names an entry edited in place, and the one after an entry deleted', async () => {
      const prefix = freshPrefix();
      const s = await instance(prefix);
      for (const id of ['a1', 'a2', 'a3', 'a4']) await s.audit.append(entry(id));
      const { key, member, score } = await memberOf(raw(), prefix, 'a2');
      await raw().zrem(key, member);
      const edited = member.replace('"outcome":"allowed"', '"outcome":"denied"');
      await raw().zadd(key, score, edited);
      expect(await s.audit.verify('f1')).toMatchObject({ ok: false, brokenAt: 'a2', reason: 'hash_mismatch' });

      // Put back, then delete the next one.
      await raw().zrem(key, edited);
      await raw().zadd(key, score, member);
      expect(await s.audit.verify('f1')).toMatchObject({ ok: true, entries: 4 });
      const third = await memberOf(raw(), prefix, 'a3');
      await raw().zrem(third.key, third.member);
      expect(await s.audit.verify('f1')).toMatchObject({ ok: false, brokenAt: 'a4', reason: 'missing' });
    });

    it('sees the newest entry deleted, and the chain record removed', async () => {
      const prefix = freshPrefix();
      const s = await instance(prefix);
      for (const id of ['a1', 'a2']) await s.audit.append(entry(id));
      const newest = await memberOf(raw(), prefix, 'a2');
      await raw().zrem(newest.key, newest.member);
      expect(await s.audit.verify('f1')).toMatchObject({ ok: false, brokenAt: 'a1', reason: 'truncated' });
      await raw().del(auditKeys(new Keys(prefix), 'f1').chain);
      expect(await s.audit.verify('f1')).toMatchObject({ ok: false, brokenAt: 'a1', reason: 'link_mismatch' });
    });

    it('entries written before the chain are counted as unchained; the chain starts after them', async () => {
      const prefix = freshPrefix();
      const k = auditKeys(new Keys(prefix), 'f1');
      // As the store wrote them before issue 13: <16-digit sequence><entry JSON>, no chain record.
      for (const id of ['old1', 'old2']) {
        const seq = await raw().incr(k.sequence);
        await raw().zadd(k.entries, Date.now(), `${String(seq).padStart(16, '0')}${JSON.stringify(entry(id))}`);
      }
      const s = await instance(prefix);
      const first = await s.audit.append(entry('new1'));
      await s.audit.append(entry('new2'));
      expect(await s.audit.verify('f1')).toMatchObject({ ok: true, entries: 2, unchained: 2, anchor: first.prevHash });
      expect((await s.audit.list({ facilityId: 'f1' })).map((e) => e.id).sort()).toEqual([
        'new1',
        'new2',
        'old1',
        'old2',
      ]);
    });
  });
}
