/** `decrypt_failed`: a sealed value did not authenticate; `key_unwrap_failed`: a stored DEK did not (wrong KEK). */
export type FieldCipherErrorCode = 'decrypt_failed' | 'key_unwrap_failed' | 'bad_key';

/** Names the record and field, never the value (STYLE.md §8: no health values in logs or errors). */
export class FieldCipherError extends Error {
  constructor(
    readonly code: FieldCipherErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FieldCipherError';
  }
}
