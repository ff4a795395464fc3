/**
 * Redis Cluster's key → slot mapping (cluster spec "Keys hash tags"): CRC16-XMODEM of the key, or of
 * its hash tag (what lies between the first `{` and the next `}`, if not empty), modulo 16384. The
 * stores check their multi-key operations with it, so a key layout that would fail with CROSSSLOT on a
 * cluster fails on a single Redis too, in every test run.
 */
export const SLOTS = 16_384;

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t[i] = crc;
  }
  return t;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ b) & 0xff] as number);
  return crc;
}

/** The part of a key that is hashed: its hash tag when it has a non-empty one, else the whole key. */
export function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close === -1 || close === open + 1 ? key : key.slice(open + 1, close);
}

export function keySlot(key: string): number {
  return crc16(Buffer.from(hashedPart(key), 'utf8')) % SLOTS;
}

export class CrossSlotError extends Error {
  readonly code = 'CROSSSLOT';
}

/** Throws unless every key hashes to one slot (what Redis Cluster demands of a script or transaction). */
export function assertOneSlot(keys: readonly string[], what: string): void {
  const first = keys[0];
  if (first === undefined) return;
  const slot = keySlot(first);
  for (const k of keys) {
    if (keySlot(k) !== slot) throw new CrossSlotError(`${what}: keys in different cluster slots (${first}, ${k})`);
  }
}
