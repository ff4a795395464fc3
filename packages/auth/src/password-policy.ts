import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * Password policy for human accounts (issue 13; NIST SP 800-63B §5.1.1.2): at least 12 characters,
 * at most 256, and not on a list of commonly used and breached passwords. No composition rules (800-63B
 * advises against them); length and the blocklist are what stop guessing. The list is the ~49,000
 * passwords bundled with `@zxcvbn-ts/language-common` (from breach corpora), checked offline: nothing
 * is fetched at run time.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export type PasswordProblem = 'password_too_short' | 'password_too_long' | 'password_breached';

let blocklist: Set<string> | undefined;

/** Built on first use (about 50 ms once): most processes never set a password. */
function commonPasswords(): Set<string> {
  blocklist ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return blocklist;
}

/** Lower case, separators and spaces dropped: "Pass word-1234" is "password1234". */
const squash = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s._-]+/g, '');

/** The first problem with `password`, or undefined if it may be used. */
export function passwordProblem(password: string): PasswordProblem | undefined {
  // Length in code points, as a person counts characters (800-63B: Unicode is allowed).
  const length = [...password.normalize('NFKC')].length;
  if (length < MIN_PASSWORD_LENGTH) return 'password_too_short';
  if (length > MAX_PASSWORD_LENGTH) return 'password_too_long';
  const list = commonPasswords();
  if (list.has(password.toLowerCase()) || list.has(squash(password))) return 'password_breached';
  return undefined;
}

/** What each problem means, for the error message (`invalid_input`). */
export const PASSWORD_PROBLEMS: Record<PasswordProblem, string> = {
  password_too_short: `the password must have at least ${MIN_PASSWORD_LENGTH} characters`,
  password_too_long: `the password must have at most ${MAX_PASSWORD_LENGTH} characters`,
  password_breached: 'the password is on a list of common or breached passwords; choose another',
};
