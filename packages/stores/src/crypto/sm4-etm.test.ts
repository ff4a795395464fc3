import { createCipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sm4Open, sm4Seal } from './sm4-etm.ts';

/** GB/T 32907-2016 appendix A example 1 (also in the SM4 RFC draft): key = plaintext. */
const GB_KEY = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
const GB_CIPHERTEXT = '681edf34d206965e86b3e94f536e4246';

function sm4Block(key: Buffer, block: Buffer): Buffer {
  const c = createCipheriv('sm4-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

const flip = (b: Buffer, at: number) => {
  const copy = Buffer.from(b);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
};

describe('SM4-CTR + HMAC-SM3 (ENCRYPTION_ALGORITHM=sm4)', () => {
  const key = randomBytes(32);
  const aad = Buffer.from('["enc2","sm4","alert","al_1","body","f1",1]');

  it("the primitives are the national ones: SM4 and SM3 match their standards' examples", () => {
    expect(sm4Block(GB_KEY, GB_KEY).toString('hex')).toBe(GB_CIPHERTEXT);
    // GB/T 32905-2016 appendix A example 1.
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('seals as documented: iv | HMAC-SM3 tag | SM4-CTR ciphertext under HKDF-SM3 subkeys', () => {
    const plaintext = Buffer.from('{"hr":187,"spo2":88}');
    const sealed = sm4Seal(key, plaintext, aad);
    const iv = sealed.subarray(0, 16);
    const tag = sealed.subarray(16, 48);
    const body = sealed.subarray(48);
    expect(body).toHaveLength(plaintext.length);
    const salt = Buffer.from('vigil field cipher');
    const enc = Buffer.from(hkdfSync('sm3', key, salt, 'sm4-ctr encryption', 16));
    const mac = Buffer.from(hkdfSync('sm3', key, salt, 'hmac-sm3 authentication', 32));
    // CTR by hand from the SM4 block function checked above: block i = SM4(enc, iv + i) XOR plaintext.
    const counter = Buffer.from(iv);
    const stream: Buffer[] = [];
    for (let i = 0; i < Math.ceil(plaintext.length / 16); i++) {
      stream.push(sm4Block(enc, counter));
      counter.writeBigUInt64BE(counter.readBigUInt64BE(8) + 1n, 8);
    }
    const keystream = Buffer.concat(stream);
    expect(Buffer.from(body.map((b, i) => b ^ (keystream[i] as number)))).toEqual(plaintext);
    const aadLength = Buffer.alloc(4);
    aadLength.writeUInt32BE(aad.length);
    const expectedTag = createHmac('sm3', mac)
      .update(Buffer.from('vigil sm4-ctr hmac-sm3 v1\u0000'))
      .update(aadLength)
      .update(aad)
      .update(iv)
      .update(body)
      .digest();
    expect(tag).toEqual(expectedTag);
    // Neither subkey is the DEK, nor each other.
    expect(enc.equals(key.subarray(0, 16))).toBe(false);
    expect(mac.equals(key)).toBe(false);
  });

  it('round trip, empty and long values; a fresh IV every seal', () => {
    for (const text of ['', 'x', 'a'.repeat(70_000)]) {
      expect(sm4Open(key, sm4Seal(key, Buffer.from(text), aad), aad).toString()).toBe(text);
    }
    const a = sm4Seal(key, Buffer.from('same'), aad);
    const b = sm4Seal(key, Buffer.from('same'), aad);
    expect(a.subarray(0, 16).equals(b.subarray(0, 16))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('refuses one flipped bit of IV, tag, ciphertext or associated data, and another key', () => {
    const sealed = sm4Seal(key, Buffer.from('{"hr":187}'), aad);
    for (const at of [0, 15, 16, 47, 48, sealed.length - 1]) {
      expect(() => sm4Open(key, flip(sealed, at), aad), `byte ${at}`).toThrow('authentication failed');
    }
    expect(() => sm4Open(key, sealed, flip(aad, 3))).toThrow('authentication failed');
    expect(() => sm4Open(randomBytes(32), sealed, aad)).toThrow('authentication failed');
    expect(() => sm4Open(key, sealed.subarray(0, 47), aad)).toThrow('too short');
    // A truncated ciphertext is a different message: refused too.
    expect(() => sm4Open(key, sealed.subarray(0, sealed.length - 1), aad)).toThrow('authentication failed');
  });
});
