import { createHash } from 'node:crypto';

/**
 * A stable UUID for one exported resource, from what identifies it (resident, kind, time), so the same
 * export twice gives the same ids and an importer can tell a resource it already holds. SHA-256 cut to
 * 128 bits with the RFC 9562 version 8 (custom) and variant bits set.
 */
export function stableUuid(...parts: readonly (string | number)[]): string {
  const b = createHash('sha256').update(parts.join('\u001f')).digest().subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x80;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const urnOf = (uuid: string) => `urn:uuid:${uuid}`;
