import { createHmac, hkdfSync } from 'node:crypto';

/** HKDF `info` of the index key: a key of its own, never the KEK or a DEK itself. */
const INFO = 'vigil open-alert index v1';

/**
 * Keyed names for index entries that would otherwise say something about a resident's health in
 * plaintext (issue 13 LOW "open-alert index keys in Redis are plaintext"): the open-alert index maps
 * `facility|subject|kind` to the open alert's id, and `…|r1|vital.spo2_low` tells anyone who can read
 * Redis that r1's oxygen is low right now, whatever the sealed bodies hide. With encryption at rest the
 * entry is named by HMAC-SHA256 under a key derived from the KEK (HKDF-SHA256): found by whoever
 * knows the triple and the KEK, meaningless to anyone else. Deterministic, so no lookup changes.
 */
export class BlindIndex {
  private readonly key: Buffer;

  constructor(kek: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), INFO, 32));
  }

  of(plain: string): string {
    return `h:${createHmac('sha256', this.key).update(plain).digest('base64url')}`;
  }
}
