import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashNewDeviceSecret } from './device-secret-binding.ts';
import {
  devicePepper,
  devicePeppers,
  hashDeviceSecret,
  refuseUnknownDevice,
  verifyDeviceSecret,
} from './device-secrets.ts';
import { hashSecret } from './secrets.ts';

// The real timingSafeEqual and argon2 verify, watched: the tests check which path a verdict took.
const watch = vi.hoisted(() => ({ calls: [] as [number, number][], argon2: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: (...args: Parameters<typeof real.verify>) => {
      watch.argon2++;
      return real.verify(...args);
    },
  };
});
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      watch.calls.push([a.byteLength, b.byteLength]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const SECRET = randomBytes(32).toString('base64url');
const peppers = devicePeppers([randomBytes(32)]);

afterEach(() => {
  watch.calls.length = 0;
  watch.argon2 = 0;
});

describe('device secrets: HMAC-SHA-256 under a pepper (issue 12)', () => {
  it('hashes to a self-describing string naming the pepper, without the secret in it', () => {
    const h = hashDeviceSecret(SECRET, peppers.current);
    expect(h).toMatch(/^hmac-sha256\$[A-Za-z0-9_-]{8}\$[A-Za-z0-9_-]{43}$/);
    expect(h.split('$')[1]).toBe(peppers.current.id);
    expect(h).not.toContain(SECRET);
    // Deterministic (the secret is random already), and the same for the secret's bytes.
    expect(hashDeviceSecret(SECRET, peppers.current)).toBe(h);
    expect(hashDeviceSecret(Buffer.from(SECRET), peppers.current)).toBe(h);
  });

  it('verifies the right secret, and refuses a wrong one, in constant time', async () => {
    const h = hashDeviceSecret(SECRET, peppers.current);
    expect(await verifyDeviceSecret(h, SECRET, peppers)).toBe('valid');
    expect(await verifyDeviceSecret(h, Buffer.from(SECRET), peppers)).toBe('valid');
    expect(await verifyDeviceSecret(h, `${SECRET.slice(0, -1)}x`, peppers)).toBe('invalid');
    expect(await verifyDeviceSecret(h, '', peppers)).toBe('invalid');
    // Every verdict came from timingSafeEqual on two 32-byte MACs, never a string compare or argon2id.
    expect(watch.calls).toEqual([
      [32, 32],
      [32, 32],
      [32, 32],
      [32, 32],
    ]);
    expect(watch.argon2).toBe(0);
  });

  it('refuses under a wrong pepper; accepts a previous one as outdated (rotation)', async () => {
    const other = devicePeppers([randomBytes(32)]);
    const h = hashDeviceSecret(SECRET, peppers.current);
    expect(await verifyDeviceSecret(h, SECRET, other)).toBe('invalid');
    // Same id as ours but another key: the MAC decides.
    const forged = { current: { id: peppers.current.id, key: randomBytes(32) }, previous: [] };
    expect(await verifyDeviceSecret(h, SECRET, forged)).toBe('invalid');
    const rotated = devicePeppers([randomBytes(32), peppers.current.key]);
    expect(await verifyDeviceSecret(h, SECRET, rotated)).toBe('outdated');
    expect(await verifyDeviceSecret(h, 'wrong', rotated)).toBe('invalid');
    expect(await verifyDeviceSecret(hashDeviceSecret(SECRET, rotated.current), SECRET, rotated)).toBe('valid');
  });

  it('verifies a legacy argon2id hash as outdated, and a wrong secret against it as invalid', async () => {
    const legacy = await hashSecret(SECRET);
    expect(legacy.startsWith('$argon2id$')).toBe(true);
    expect(await verifyDeviceSecret(legacy, SECRET, peppers)).toBe('outdated');
    expect(await verifyDeviceSecret(legacy, Buffer.from(SECRET), peppers)).toBe('outdated');
    expect(await verifyDeviceSecret(legacy, 'wrong', peppers)).toBe('invalid');
    expect(watch.argon2).toBe(3);
  });

  it('refuses a tampered or malformed stored string, never throwing', async () => {
    const h = hashDeviceSecret(SECRET, peppers.current);
    const mac = h.split('$')[2] as string;
    const flipped = `${mac.slice(0, 10)}${mac[10] === 'A' ? 'B' : 'A'}${mac.slice(11)}`;
    for (const stored of [
      `hmac-sha256$${peppers.current.id}$${flipped}`,
      `hmac-sha256$${peppers.current.id}$${mac.slice(1)}`,
      `hmac-sha256$${peppers.current.id}$${mac}A`,
      `hmac-sha256$${peppers.current.id}$${mac}$x`,
      `hmac-sha256$${peppers.current.id}$${mac.replace(/./, '+')}`,
      `hmac-sha512$${peppers.current.id}$${mac}`,
      `hmac-sha256$${mac}`,
      '$argon2id$v=19$m=19456,t=2,p=1$garbage',
      'plain-secret',
      '',
    ]) {
      expect(await verifyDeviceSecret(stored, SECRET, peppers), stored).toBe('invalid');
    }
  });

  it('takes 32-byte peppers only, with an id that is a fingerprint, not the key', () => {
    expect(() => devicePepper(randomBytes(16))).toThrow(expect.objectContaining({ code: 'bad_pepper' }));
    expect(() => devicePeppers([])).toThrow(expect.objectContaining({ code: 'bad_pepper' }));
    const key = randomBytes(32);
    expect(devicePepper(key).id).toBe(devicePepper(Buffer.from(key)).id);
    expect(devicePepper(key).id).not.toBe(devicePepper(randomBytes(32)).id);
    expect(key.toString('base64url')).not.toContain(devicePepper(key).id);
  });

  it('refuses an unknown device with the same HMAC and constant-time compare, no argon2id', () => {
    expect(refuseUnknownDevice(Buffer.from(SECRET))).toBe(false);
    expect(refuseUnknownDevice('')).toBe(false);
    expect(watch.calls).toEqual([
      [32, 32],
      [32, 32],
    ]);
    expect(watch.argon2).toBe(0);
  });
});

describe('hashNewDeviceSecret', () => {
  it('hashes a new secret with the current pepper, or argon2id without peppers', async () => {
    expect(await hashNewDeviceSecret({ peppers }, SECRET)).toBe(hashDeviceSecret(SECRET, peppers.current));
    expect(await hashNewDeviceSecret(undefined, SECRET)).toMatch(/^\$argon2id\$/);
  });
});
