/** Domain errors carry a code the gateway maps to a status (STYLE.md §6, contract §4). */
export class DomainError extends Error {
  constructor(
    readonly code: 'not_found' | 'illegal_state' | 'forbidden' | 'invalid_input' | 'conflict',
    message: string,
    /** Machine-readable specifics, e.g. every invalid field (`error.details` in the response). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}
export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const illegalState = (message: string) => new DomainError('illegal_state', message);
