import { randomBytes, randomUUID } from 'node:crypto';

/** Opaque object ids, prefixed by kind for readability in logs and URLs (`al_…`, `tk_…`). */
export const newId = (prefix: string): string => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;

/** A device secret: 32 random bytes, base64url (returned once at provisioning, stored only as a hash). */
export const newSecret = (): string => randomBytes(32).toString('base64url');
