import { describe, expect, it } from 'vitest';
import { sourceKey } from './source-address.ts';

describe('sourceKey', () => {
  it('keeps IPv4 addresses, mapped ones included', () => {
    expect(sourceKey('10.1.2.3')).toBe('10.1.2.3');
    expect(sourceKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
  });

  it('groups IPv6 addresses by their /64, however written', () => {
    const key = sourceKey('2001:db8:0:1::1');
    expect(key).toBe('2001:db8:0:1::/64');
    expect(sourceKey('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe(key);
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('turns anything else into one shared key, never a throw', () => {
    expect(sourceKey(undefined)).toBe('unknown');
    expect(sourceKey('not an address')).toBe('unknown');
  });
});
