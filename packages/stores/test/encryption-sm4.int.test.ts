import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { leakedValues, requireBinary } from '@vigil/testkit';
import {
  createRedisStores,
  DekKeyring,
  type EncryptionAlgorithm,
  FieldCipher,
  type FieldCipherError,
  type RedisStores,
  type SealContext,
} from '../src/index.ts';
import { Keys } from '../src/redis/script.ts';
import { storeConformance } from './conformance.ts';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from './redis-server.ts';

/**
 * ENCRYPTION_ALGORITHM=sm4 (issue 13 item 8): fields sealed with SM4-CTR + HMAC-SM3 under the same
 * envelope scheme, against a private redis-server. Values and wrapped keys name their algorithm, so a
 * deployment that switches either way still reads what it wrote before, and re-sealing moves a value
 * to the configured algorithm.
 */
const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'redis sm4 encryption');

describe.skipIf(skip)('redis encryption at rest with SM4', () => {
  let server: RedisServer | undefined;
  let client: Redis | undefined;
  const opened: RedisStores[] = [];
  const clients: Redis[] = [];
  let runs = 0;
  const freshPrefix = () => `vigil-sm4-${++runs}:`;
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

  /** A cipher on a connection of its own, as another process configured with `algorithm` would have. */
  const cipherOn = (prefix: string, algorithm: EncryptionAlgorithm, key: Buffer = kek) => {
    const c = new Redis(server!.url);
    clients.push(c);
    const keyring = new DekKeyring(c, new Keys(prefix), key, { algorithm });
    return { keyring, cipher: new FieldCipher(keyring, { algorithm }) };
  };
  const ctx: SealContext = { kind: 'alert', id: 'al_1', field: 'body' };
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'opened',
      (e: unknown) => (e as FieldCipherError).code,
    );

  it('round trip; the envelope names format 2, the algorithm, key version and facility', async () => {
    const { cipher } = cipherOn(freshPrefix(), 'sm4');
    const sealed = await cipher.seal('f1', ctx, '{"hr":187}');
    expect(sealed).toMatch(/^enc2:sm4:1:f1:[A-Za-z0-9+/=]+$/);
    expect(leakedValues(sealed, ['187'])).toEqual([]);
    expect(await cipher.open(ctx, sealed)).toBe('{"hr":187}');
    expect(await cipher.seal('f1', ctx, '{"hr":187}')).not.toBe(sealed);
  });

  it('refuses a flipped bit of IV, tag or ciphertext, another record (AD), and an edited header', async () => {
    const { cipher } = cipherOn(freshPrefix(), 'sm4');
    const sealed = await cipher.seal('f1', ctx, 'a value of some length');
    const head = sealed.slice(0, sealed.lastIndexOf(':') + 1);
    const body = Buffer.from(sealed.slice(head.length), 'base64');
    // IV 0–15, tag 16–47, ciphertext from 48.
    for (const at of [0, 15, 16, 47, 48, body.length - 1]) {
      const bad = Buffer.from(body);
      bad[at] = (bad[at] ?? 0) ^ 1;
      const err = await cipher.open(ctx, head + bad.toString('base64')).catch((e: unknown) => e);
      expect(err, `byte ${at}`).toMatchObject({
        code: 'decrypt_failed',
        message: 'cannot open alert al_1 field body: authentication failed (sm4)',
      });
    }
    for (const other of [
      { ...ctx, id: 'al_2' },
      { ...ctx, field: 'x' },
      { ...ctx, kind: 'task' },
    ])
      expect(await codeOf(cipher.open(other, sealed))).toBe('decrypt_failed');
    // The algorithm is authenticated: the same bytes relabelled as AES-256-GCM do not open.
    expect(await codeOf(cipher.open(ctx, sealed.replace('enc2:sm4:1:', 'enc1:1:')))).toBe('decrypt_failed');
    expect(await codeOf(cipher.open(ctx, sealed.replace('enc2:sm4:', 'enc2:sm9:')))).toBe('decrypt_failed');
    await cipher.seal('f2', ctx, 'x');
    expect(await codeOf(cipher.open(ctx, sealed.replace(':1:f1:', ':1:f2:')))).toBe('decrypt_failed');
  });

  it('mixed records: each configuration opens what the other sealed, keys wrapped either way', async () => {
    const prefix = freshPrefix();
    const aes = cipherOn(prefix, 'aes-256-gcm').cipher;
    const sm4 = cipherOn(prefix, 'sm4').cipher;
    // f1's DEK is created (and wrapped) by the AES process, f2's by the SM4 one.
    const a1 = await aes.seal('f1', ctx, 'sealed by aes');
    const s2 = await sm4.seal('f2', ctx, 'sealed by sm4');
    const s1 = await sm4.seal('f1', ctx, 'sm4 under an aes-wrapped key');
    const a2 = await aes.seal('f2', ctx, 'aes under an sm4-wrapped key');
    expect(await client!.get(`${prefix}keys:dek:f1:1`)).toMatch(/^kek1:/);
    expect(await client!.get(`${prefix}keys:dek:f2:1`)).toMatch(/^kek2:sm4:/);
    expect([a1, a2].every((v) => v.startsWith('enc1:1:'))).toBe(true);
    expect([s1, s2].every((v) => v.startsWith('enc2:sm4:1:'))).toBe(true);
    for (const c of [aes, sm4, cipherOn(prefix, 'aes-256-gcm').cipher, cipherOn(prefix, 'sm4').cipher]) {
      expect(await c.open(ctx, a1)).toBe('sealed by aes');
      expect(await c.open(ctx, s2)).toBe('sealed by sm4');
      expect(await c.open(ctx, s1)).toBe('sm4 under an aes-wrapped key');
      expect(await c.open(ctx, a2)).toBe('aes under an sm4-wrapped key');
    }
  });

  it('rotation re-seals to the configured algorithm, both ways, and leaves current values alone', async () => {
    const prefix = freshPrefix();
    const aes = cipherOn(prefix, 'aes-256-gcm').cipher;
    const sm4 = cipherOn(prefix, 'sm4').cipher;
    const old = await aes.seal('f1', ctx, '{"spo2":83}');
    const moved = await sm4.reseal('f1', ctx, old);
    expect(moved).toMatch(/^enc2:sm4:1:f1:/);
    expect(await aes.open(ctx, moved!)).toBe('{"spo2":83}');
    expect(await sm4.reseal('f1', ctx, moved!)).toBeUndefined();
    const back = await aes.reseal('f1', ctx, moved!);
    expect(back).toMatch(/^enc1:1:f1:/);
    expect(await sm4.open(ctx, back!)).toBe('{"spo2":83}');
    expect(await aes.reseal('f1', ctx, back!)).toBeUndefined();
    // A value from before encryption was on is sealed; a tampered one is refused, not re-sealed.
    expect(await sm4.reseal('f1', ctx, '{"spo2":84}')).toMatch(/^enc2:sm4:/);
    const tampered = `${moved!.slice(0, -4)}AAA=`;
    expect(await codeOf(aes.reseal('f1', ctx, tampered))).toBe('decrypt_failed');
  });

  it('a wrong KEK is refused at start whichever algorithm wrapped the check', async () => {
    const prefix = freshPrefix();
    const first = await createRedisStores(client!, { keyPrefix: prefix, encryption: { kek, algorithm: 'sm4' } });
    opened.push(first);
    expect(await client!.get(`${prefix}keys:kek-check`)).toMatch(/^kek2:sm4:/);
    await expect(
      createRedisStores(server!.url, { keyPrefix: prefix, encryption: { kek: randomBytes(32), algorithm: 'sm4' } }),
    ).rejects.toMatchObject({ code: 'key_unwrap_failed' });
    // The right key under the other algorithm starts: the check names how it was wrapped.
    opened.push(await createRedisStores(server!.url, { keyPrefix: prefix, encryption: { kek } }));
  });

  it('stores configured for SM4 write the SM4 envelope and read it back', async () => {
    const prefix = freshPrefix();
    const s = await createRedisStores(client!, { keyPrefix: prefix, encryption: { kek, algorithm: 'sm4' } });
    opened.push(s);
    await s.ruleState.put('resident:r1', { hr: 187 });
    expect(await client!.hget(`${prefix}rule-state`, 'resident:r1')).toMatch(/^enc2:sm4:1:_deployment:/);
    expect(await s.ruleState.get('resident:r1')).toEqual({ hr: 187 });
  });

  storeConformance('redis encrypted with sm4', async (now) => {
    const s = await createRedisStores(client!, {
      keyPrefix: freshPrefix(),
      now,
      encryption: { kek, algorithm: 'sm4' },
    });
    opened.push(s);
    return s;
  });
});
