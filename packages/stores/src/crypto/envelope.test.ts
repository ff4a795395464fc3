import { describe, expect, it } from 'vitest';
import { formatEnvelope, isSealed, parseEnvelope } from './envelope.ts';

describe('sealed-value envelope', () => {
  const body = Buffer.from([1, 2, 3, 250]);

  it('AES-256-GCM keeps format 1 (older processes read it); SM4 is format 2 naming its algorithm', () => {
    const aes = formatEnvelope({ algorithm: 'aes-256-gcm', version: 1, scope: 'f:1', body });
    const sm4 = formatEnvelope({ algorithm: 'sm4', version: 3, scope: 'f:1', body });
    expect(aes).toBe(`enc1:1:f%3A1:${body.toString('base64')}`);
    expect(sm4).toBe(`enc2:sm4:3:f%3A1:${body.toString('base64')}`);
    expect(parseEnvelope(aes)).toEqual({ format: 1, algorithm: 'aes-256-gcm', version: 1, scope: 'f:1', body });
    expect(parseEnvelope(sm4)).toEqual({ format: 2, algorithm: 'sm4', version: 3, scope: 'f:1', body });
    expect(isSealed(aes) && isSealed(sm4)).toBe(true);
    expect(isSealed('{"hr":80}')).toBe(false);
  });

  it('names what is wrong with a malformed header', () => {
    expect(parseEnvelope('enc2:des:1:f1:AAAA')).toBe('unknown algorithm');
    expect(parseEnvelope('enc2:sm4:0:f1:AAAA')).toBe('malformed header');
    expect(parseEnvelope('enc1:1:%E0%A4%A:AAAA')).toBe('malformed header');
    expect(parseEnvelope('enc1:1:f1:AAAA:extra')).toBe('malformed header');
    expect(parseEnvelope('{"a":1}')).toBe('not sealed');
  });
});
