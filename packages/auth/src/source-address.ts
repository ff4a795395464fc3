import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a source address backs off under (failure-backoff.ts). An IPv4 address is itself (an
 * IPv4-mapped IPv6 one, `::ffff:10.0.0.1`, too); an IPv6 address is its /64, the smallest block a
 * site is given (RFC 6177), so a host cannot escape its back-off by rotating through the 2^64
 * addresses it owns. Anything else (no address: a closed socket) is one shared key.
 */
export function sourceKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(address)) return address;
  const bare = address.split('%')[0] ?? address; // drop a zone id (fe80::1%eth0)
  if (!isIPv6(bare)) return 'unknown';
  return `${expandIPv6(bare).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, "::" filled in. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = Array(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...zeros, ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}
