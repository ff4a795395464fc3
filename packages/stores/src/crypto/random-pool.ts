import { randomBytes } from 'node:crypto';

/**
 * IVs cut from a pool of CSPRNG output refilled 64 KiB at a time: one `randomBytes(12)` costs about
 * 5 µs, half of a whole seal, and a vitals sample takes several seals. Every IV is still fresh random
 * output, used once: a refill allocates a new pool, so no slice handed out is ever overwritten.
 */
const POOL_BYTES = 64 * 1024;
let pool = Buffer.alloc(0);
let offset = 0;

/** `bytes` fresh random bytes (an IV), never handed out twice. */
export function freshIv(bytes: number): Buffer {
  if (offset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const iv = pool.subarray(offset, offset + bytes);
  offset += bytes;
  return iv;
}
