/**
 * Keys and peppers from the environment or from files (Docker secrets): parsed, never echoed in a
 * problem message.
 */
const KEY_HINT = '32 random bytes in base64 (openssl rand -base64 32)';

/** 32 bytes in canonical base64 (44 characters, one `=`), or a problem that never echoes the value. */
function parseKey(name: string, text: string): Buffer | string {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return `${name} must be ${KEY_HINT}`;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === 32 ? key : `${name} must be ${KEY_HINT}`;
}

/** The key from ENCRYPTION_KEY or ENCRYPTION_KEY_FILE, a problem, or undefined when neither is set. */
export function encryptionKey(
  e: { ENCRYPTION_KEY?: string | undefined; ENCRYPTION_KEY_FILE?: string | undefined },
  readFile: (path: string) => string,
): Buffer | string | undefined {
  const got = secretText('ENCRYPTION_KEY', e.ENCRYPTION_KEY, e.ENCRYPTION_KEY_FILE, readFile);
  return got === undefined || typeof got === 'string' ? got : parseKey(got.source, got.text);
}

/** Text from `VAR` or `VAR_FILE` (Docker secrets), a problem, or undefined when neither is set. */
function secretText(
  name: string,
  value: string | undefined,
  file: string | undefined,
  readFile: (path: string) => string,
): { text: string; source: string } | string | undefined {
  if (value !== undefined && file !== undefined) return `set ${name} or ${name}_FILE, not both`;
  if (value !== undefined) return { text: value, source: name };
  if (file === undefined) return undefined;
  try {
    return { text: readFile(file), source: `${name}_FILE (${file})` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return `${name}_FILE: cannot read ${file} (${code})`;
  }
}

/** The peppers from DEVICE_SECRET_PEPPER(_FILE), newest first, a problem, or undefined when unset. */
export function devicePeppers(
  e: { DEVICE_SECRET_PEPPER?: string | undefined; DEVICE_SECRET_PEPPER_FILE?: string | undefined },
  readFile: (path: string) => string,
): Buffer[] | string | undefined {
  const got = secretText('DEVICE_SECRET_PEPPER', e.DEVICE_SECRET_PEPPER, e.DEVICE_SECRET_PEPPER_FILE, readFile);
  if (got === undefined || typeof got === 'string') return got;
  const parts = got.text
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return `${got.source} must be ${KEY_HINT}`;
  const keys: Buffer[] = [];
  for (const part of parts) {
    const key = parseKey(got.source, part);
    if (typeof key === 'string') return key;
    keys.push(key);
  }
  return keys;
}
