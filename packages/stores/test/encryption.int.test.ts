import { randomBytes } from 'node:crypto';
import type { Alert, CarePlan, SlaWarning, Task } from '@vigil/contracts';
import { DEFAULT_CONSENT } from '@vigil/contracts';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { leakedValues, requireBinary } from '@vigil/testkit';
import {
  createRedisStores,
  DekKeyring,
  FieldCipher,
  FieldCipherError,
  type RedisStores,
  type SealContext,
} from '../src/index.ts';
import { Keys } from '../src/redis/script.ts';
import { boundedStateConformance } from './bounded-conformance.ts';
import { storeConformance } from './conformance.ts';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from './redis-server.ts';

/**
 * Encryption at rest of the Redis stores ("health data is encrypted at rest"; dependencies.md "field
 * encryption": AES-256-GCM envelope, DEK per facility, KEK from env/file, AAD = record + field + key
 * version) against a private redis-server (STYLE.md §10): the cipher on its own, the whole conformance
 * suite with encryption on, and the raw keys holding no health value in plaintext.
 */
const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'redis encryption');

describe.skipIf(skip)('redis encryption at rest', () => {
  let server: RedisServer | undefined;
  let client: Redis | undefined;
  const opened: RedisStores[] = [];
  const clients: Redis[] = [];
  let runs = 0;
  const freshPrefix = () => `vigil-enc-${++runs}:`;
  const kek = randomBytes(32);

  beforeAll(async () => {
    if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
    server = await startRedisServer();
    client = new Redis(server.url);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await Promise.all(clients.splice(0).map((c) => c.quit()));
  });

  afterAll(async () => {
    await client?.quit();
    await server?.stop();
  });

  /** A cipher on a connection of its own, as another process would have. */
  const cipherOn = (prefix: string, key: Buffer = kek) => {
    const c = new Redis(server!.url);
    clients.push(c);
    const keyring = new DekKeyring(c, new Keys(prefix), key);
    return { keyring, cipher: new FieldCipher(keyring) };
  };
  const ctx: SealContext = { kind: 'alert', id: 'al_1', field: 'body' };
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'opened',
      (e: unknown) => (e as FieldCipherError).code,
    );

  describe('field cipher', () => {
    it('round trip; the sealed form names format and key version, not the plaintext', async () => {
      const { cipher } = cipherOn(freshPrefix());
      const sealed = await cipher.seal('f1', ctx, '{"hr":187}');
      expect(sealed).toMatch(/^enc1:1:f1:[A-Za-z0-9+/=]+$/);
      expect(leakedValues(sealed, ['187'])).toEqual([]);
      expect(await cipher.open(ctx, sealed)).toBe('{"hr":187}');
      // A fresh IV per seal: the same value never seals the same twice.
      expect(await cipher.seal('f1', ctx, '{"hr":187}')).not.toBe(sealed);
    });

    it('wrong AAD fails: a value copied onto another record, field or kind does not open', async () => {
      const { cipher } = cipherOn(freshPrefix());
      const sealed = await cipher.seal('f1', ctx, 'secret');
      for (const other of [
        { ...ctx, id: 'al_2' },
        { ...ctx, field: 'other' },
        { ...ctx, kind: 'task' },
      ]) {
        const err = await cipher.open(other, sealed).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(FieldCipherError);
        expect(err).toMatchObject({ code: 'decrypt_failed', message: expect.stringContaining(other.id) });
        expect((err as Error).message).not.toContain('secret');
      }
      // Another facility named in the header: another DEK, and the facility is in the AAD.
      await cipher.seal('f2', ctx, 'x');
      expect(await codeOf(cipher.open(ctx, sealed.replace('enc1:1:f1:', 'enc1:1:f2:')))).toBe('decrypt_failed');
      // A key version that does not exist.
      expect(await codeOf(cipher.open(ctx, sealed.replace('enc1:1:', 'enc1:2:')))).toBe('decrypt_failed');
    });

    it('a tampered byte anywhere fails', async () => {
      const { cipher } = cipherOn(freshPrefix());
      const sealed = await cipher.seal('f1', ctx, 'a value of some length');
      const head = sealed.slice(0, sealed.lastIndexOf(':') + 1);
      const body = Buffer.from(sealed.slice(head.length), 'base64');
      for (const at of [0, 12, 20, 28, body.length - 1]) {
        const bad = Buffer.from(body);
        bad[at] = (bad[at] ?? 0) ^ 1;
        expect(await codeOf(cipher.open(ctx, head + bad.toString('base64')))).toBe('decrypt_failed');
      }
      expect(await codeOf(cipher.open(ctx, 'enc1:1:f1'))).toBe('decrypt_failed');
    });

    it('a wrong KEK fails to unwrap the stored DEK', async () => {
      const prefix = freshPrefix();
      const sealed = await cipherOn(prefix).cipher.seal('f1', ctx, 'x');
      const err = await cipherOn(prefix, randomBytes(32))
        .cipher.open(ctx, sealed)
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'key_unwrap_failed', message: expect.stringContaining('f1') });
      expect(() => cipherOn(prefix, randomBytes(16))).toThrow(expect.objectContaining({ code: 'bad_key' }));
    });

    it('two facilities get different DEKs, stored wrapped; a value of one does not open as the other', async () => {
      const prefix = freshPrefix();
      const { keyring } = cipherOn(prefix);
      const [a, b] = [await keyring.current('f1'), await keyring.current('f2')];
      expect(a.key.equals(b.key)).toBe(false);
      const stored = await client!.get(`${prefix}keys:dek:f1:1`);
      expect(stored).toMatch(/^kek1:/);
      expect(stored).not.toContain(a.key.toString('base64'));
    });

    it('concurrent first use of one facility by two instances ends with one DEK (SET NX, the loser re-reads)', async () => {
      const prefix = freshPrefix();
      const rings = Array.from({ length: 6 }, () => cipherOn(prefix).keyring);
      const deks = await Promise.all(rings.map((r) => r.current('f1')));
      for (const d of deks) expect(d.key.equals(deks[0]!.key)).toBe(true);
      // And a value sealed by one instance opens in every other.
      const ciphers = rings.map((r) => new FieldCipher(r));
      const sealed = await ciphers[0]!.seal('f1', ctx, 'shared');
      for (const c of ciphers) expect(await c.open(ctx, sealed)).toBe('shared');
    });
  });

  const encrypted = async (now: () => number) => {
    const s = await createRedisStores(client!, { keyPrefix: freshPrefix(), now, encryption: { kek } });
    opened.push(s);
    return s;
  };
  storeConformance('redis encrypted', encrypted);
  boundedStateConformance('redis encrypted', encrypted);

  describe('what is stored', () => {
    it('no vital value or care-plan text appears in plaintext in any key', async () => {
      const prefix = freshPrefix();
      // A fixed clock: event ids are its milliseconds, and must not contain the digits looked for.
      const s = await createRedisStores(client!, { keyPrefix: prefix, now: () => 5_000_000, encryption: { kek } });
      opened.push(s);
      const carePlan = { thresholds: { hr: { high: 143 } }, note: 'insulin 12u' } as unknown as CarePlan;
      await s.residents.put({
        id: 'r1',
        facilityId: 'f1',
        name: 'Ada',
        zoneId: 'z',
        roomId: 'x',
        carePlan,
        consent: DEFAULT_CONSENT,
      });
      await s.residents.setCarePlan('r1', { ...carePlan, spo2Scale: 2 });
      await s.vitals.append('r1', { ts: 1_000, hr: 187, spo2: 83, worn: true });
      await s.ruleState.put('resident:r1', { recent: [{ ts: 1_000, hr: 187 }], baseline: { hr: 187 } });
      const alert = {
        id: 'al_1',
        facilityId: 'f1',
        residentId: 'r1',
        kind: 'hr_high',
        priority: 'high',
        state: 'active',
        title: 'Heart rate high',
        explanation: { rule: 'hr', inputs: { hr: 187, spo2: 83 }, condition: 'hr > 143' },
        raisedAt: '2026-01-01T00:00:00.000Z',
        lastSeenAt: '2026-01-01T00:00:00.000Z',
        occurrences: 1,
        escalationLevel: 0,
      } as unknown as Alert;
      await s.alerts.put(alert);
      const task = {
        id: 't1',
        facilityId: 'f1',
        alertId: 'al_1',
        kind: 'onsite_check',
        role: 'caregiver',
        priority: 'high',
        state: 'open',
        createdAt: '2026-01-01T00:00:00.000Z',
        acceptBy: '2026-01-01T00:02:00.000Z',
        completeBy: '2026-01-01T00:15:00.000Z',
        escalationLevel: 0,
        context: { vitals: { hr: 187, spo2: 83 }, news2: 9, carePlan },
      } as Task;
      await s.tasks.put(task);
      await s.events.append({ event: 'alert', type: 'alert.raised', facilityId: 'f1', data: alert });
      await s.events.append({ event: 'task', type: 'task.created', facilityId: 'f1', data: task });
      await s.slaWarnings.put({
        id: 'w1',
        facilityId: 'f1',
        kind: 'alert_unacknowledged',
        limitMs: 60_000,
        detail: 'high alert "Heart rate high: 187 bpm" not acknowledged within 60 s',
        raisedAt: '2026-01-01T00:00:00.000Z',
      } satisfies SlaWarning);

      // Everything reads back in the clear.
      expect((await s.residents.get('r1'))?.carePlan).toMatchObject({ note: 'insulin 12u', spo2Scale: 2 });
      expect((await s.vitals.latest('r1'))?.values.hr).toEqual({ v: 187, ts: 1_000 });
      expect(await s.vitals.range('r1', 0, 2_000)).toEqual([{ ts: 1_000, hr: 187, spo2: 83, worn: true }]);
      expect(await s.ruleState.get('resident:r1')).toEqual({ recent: [{ ts: 1_000, hr: 187 }], baseline: { hr: 187 } });
      expect(await s.alerts.findOpen('f1', 'r1', 'hr_high' as Alert['kind'])).toEqual(alert);
      expect(await s.tasks.list({ facilityId: 'f1' })).toEqual([task]);
      expect((await s.events.readAfter('0-0')).events.map((e) => e.envelope.data)).toEqual([alert, task]);

      // Every key's raw content, whatever its type (buffered vitals written out first).
      await s.flush();
      const dump: string[] = [];
      const keys = await client!.keys(`${prefix}*`);
      for (const key of keys) {
        const type = await client!.type(key);
        if (type === 'string') dump.push(String(await client!.get(key)));
        else if (type === 'hash') dump.push(JSON.stringify(await client!.hgetall(key)));
        else if (type === 'zset') dump.push(JSON.stringify(await client!.zrange(key, 0, -1, 'WITHSCORES')));
        else if (type === 'set') dump.push(JSON.stringify(await client!.smembers(key)));
        else if (type === 'list') dump.push(JSON.stringify(await client!.lrange(key, 0, -1)));
        else if (type === 'stream') dump.push(JSON.stringify(await client!.xrange(key, '-', '+')));
        else throw new Error(`unexpected type ${type} of ${key}`);
      }
      const raw = `${keys.join('\n')}\n${dump.join('\n')}`;
      expect(keys.length).toBeGreaterThan(5);
      // Sealed values and wrapped keys are base64, where any digits can turn up by chance: blanked out
      // first, they leave what is stored in the clear.
      const sealed = /enc1:\d+:[^:"]+:[A-Za-z0-9+/=]+|kek1:[A-Za-z0-9+/=]+/g;
      expect(raw.match(sealed)?.length).toBeGreaterThanOrEqual(10);
      const clear = raw.replace(sealed, '<sealed>');
      const planted = ['187', '83', 'insulin', '12u', '143', 'Heart rate', 'news2', 'baseline', 'Ada'];
      expect(leakedValues(clear, planted)).toEqual([]);
      // Index fields stay readable: ids, facility, state.
      expect(raw).toContain('al_1');
      expect(raw).toContain('alert.raised');
      // Each body is bound to its record: alert al_1's body under another id does not open.
      const body = await client!.hget(`${prefix}{alerts}`, 'al_1');
      await client!.hset(`${prefix}{alerts}`, 'al_2', body!);
      await expect(s.alerts.get('al_2')).rejects.toMatchObject({
        code: 'decrypt_failed',
        message: expect.stringContaining('alert al_2'),
      });
    });

    it('values written before encryption was on stay readable, and are sealed on their next write', async () => {
      const prefix = freshPrefix();
      const plain = await createRedisStores(client!, { keyPrefix: prefix });
      opened.push(plain);
      await plain.vitals.append('r1', { ts: 1, hr: 187 });
      await plain.flush();
      await plain.ruleState.put('resident:r1', { hr: 187 });
      const sealed = await createRedisStores(client!, { keyPrefix: prefix, encryption: { kek } });
      opened.push(sealed);
      expect(await sealed.vitals.range('r1', 0, 10)).toEqual([{ ts: 1, hr: 187 }]);
      expect(await sealed.ruleState.get('resident:r1')).toEqual({ hr: 187 });
      await sealed.ruleState.put('resident:r1', { hr: 188 });
      expect(await client!.hget(`${prefix}rule-state`, 'resident:r1')).toMatch(/^enc1:/);
      // Without the key, sealed values do not open as JSON.
      await expect(plain.ruleState.get('resident:r1')).rejects.toThrow();
    });

    it('a resident’s rule state, the risk levels announced to their doctors included, is sealed with their facility’s key', async () => {
      const prefix = freshPrefix();
      const s = await createRedisStores(client!, { keyPrefix: prefix, encryption: { kek } });
      opened.push(s);
      await s.residents.put({
        id: 'r1',
        facilityId: 'f1',
        name: 'Ada',
        zoneId: 'z',
        roomId: 'x',
        carePlan: {},
        consent: DEFAULT_CONSENT,
      });
      const levels = { levels: [{ risk: 'high', at: 1_000 }] };
      await s.ruleState.put('resident:r1:risk', levels);
      await s.ruleState.put('resident:r1', { hr: 187 });
      await s.ruleState.put('device:s1', { airTemp: 35 });
      expect(await client!.hget(`${prefix}rule-state`, 'resident:r1:risk')).toMatch(/^enc1:1:f1:/);
      expect(await client!.hget(`${prefix}rule-state`, 'resident:r1')).toMatch(/^enc1:1:f1:/);
      expect(await client!.hget(`${prefix}rule-state`, 'device:s1')).toMatch(/^enc1:1:_deployment:/);
      expect(await s.ruleState.get('resident:r1:risk')).toEqual(levels);
    });

    it('stores on a wrong KEK refuse to start; an SLA warning quoting an alert title is sealed too', async () => {
      const prefix = freshPrefix();
      const s = await createRedisStores(client!, { keyPrefix: prefix, encryption: { kek } });
      opened.push(s);
      await s.slaWarnings.put({
        id: 'w1',
        facilityId: 'f1',
        kind: 'alert_unacknowledged',
        limitMs: 60_000,
        detail: 'high alert "Heart rate high: 187 bpm" not acknowledged within 60 s',
        raisedAt: '2026-01-01T00:00:00.000Z',
      } satisfies SlaWarning);
      expect(await client!.hget(`${prefix}{sla-warnings}`, 'w1')).toMatch(/^enc1:1:f1:/);
      expect((await s.slaWarnings.list({ facilityId: 'f1' }))[0]?.detail).toContain('187 bpm');
      await expect(
        createRedisStores(server!.url, { keyPrefix: prefix, encryption: { kek: randomBytes(32) } }),
      ).rejects.toMatchObject({ code: 'key_unwrap_failed', message: expect.stringContaining('wrong ENCRYPTION_KEY') });
      await expect(
        createRedisStores(server!.url, { keyPrefix: prefix, encryption: { kek: randomBytes(31) } }),
      ).rejects.toMatchObject({ code: 'bad_key' });
      // The right key starts again.
      opened.push(await createRedisStores(server!.url, { keyPrefix: prefix, encryption: { kek } }));
    });
  });
});
