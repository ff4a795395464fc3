/**
 * Usernames (issue 13: "homoglyph usernames accepted"). A username is stored in NFKC form, so the
 * full-width "ａｄｍｉｎ" and the ligature "ﬁ" become "admin" and "fi", and the stores compare it case-folded
 * (lower case): two accounts that look alike after that are one username (409). What NFKC leaves apart
 * but a reader cannot tell apart is refused: letters of two scripts in one name (a Cyrillic "а" inside
 * a Latin name; UTS #39 mixed-script detection), and invisible or control characters.
 */
export type UsernameProblem = 'username_invisible' | 'username_mixed_script' | 'username_empty';

/** Scripts whose letters pass for Latin ones, or each other (UTS #39 confusables are mostly among these). */
const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Cherokee', 'Han', 'Hiragana', 'Katakana', 'Hangul'];
const SCRIPT_RES = SCRIPTS.map((s) => new RegExp(`\\p{Script=${s}}`, 'u'));
/** Han, kana and Hangul are written together in Japanese and Korean names: one script family. */
const CJK = new Set(['Han', 'Hiragana', 'Katakana', 'Hangul']);

export function normaliseUsername(username: string): string {
  return username.normalize('NFKC').trim();
}

/** The problem with an (already normalised) username, or undefined. */
export function usernameProblem(username: string): UsernameProblem | undefined {
  if (username.length === 0) return 'username_empty';
  // Controls, format characters (zero-width joiners, bidi overrides), separators other than a space.
  if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u.test(username) || /\s/u.test(username.replace(/ /g, ''))) {
    return 'username_invisible';
  }
  const families = new Set<string>();
  for (const ch of username) {
    const i = SCRIPT_RES.findIndex((re) => re.test(ch));
    const script = SCRIPTS[i];
    if (script !== undefined) families.add(CJK.has(script) ? 'CJK' : script);
  }
  // UTS #39 "highly restrictive": one script, or Latin with Han and kana or Hangul (as Japanese and
  // Korean names are written); Cyrillic, Greek and the rest mix with nothing.
  const latinCjk = families.size === 2 && families.has('Latin') && families.has('CJK');
  if (families.size > 1 && !latinCjk) return 'username_mixed_script';
  return undefined;
}

export const USERNAME_PROBLEMS: Record<UsernameProblem, string> = {
  username_empty: 'the username is empty',
  username_invisible: 'the username contains invisible or control characters',
  username_mixed_script: 'the username mixes letters of different scripts (it could pass for another)',
};
