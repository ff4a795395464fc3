/**
 * Finding planted secrets in what a store holds in the clear. A health value such as `187` turns up by
 * chance inside timestamps (`1796487477187`), hex ids and base64, so a plain `includes` fails at random.
 * Where a value begins or ends with a digit, that edge must not touch another letter or digit; words
 * match anywhere (`baselines` still leaks `baseline`).
 */
export function standsAlone(text: string, value: string): boolean {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const before = /^[0-9]/.test(value) ? '(?<![A-Za-z0-9])' : '';
  const after = /[0-9]$/.test(value) ? '(?![A-Za-z0-9])' : '';
  return new RegExp(`${before}${escaped}${after}`).test(text);
}

/** The planted values that stand alone somewhere in `text` (empty when none leaked). */
export function leakedValues(text: string, values: readonly string[]): string[] {
  return values.filter((v) => standsAlone(text, v));
}
