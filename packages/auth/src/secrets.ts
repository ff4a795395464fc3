import { hash, verify } from '@node-rs/argon2';

/**
 * Passwords are stored only as argon2id hashes (dependencies.md: 19 MiB, t=2, p=1, about 45 ms a hash
 * on this machine class). Device secrets were too; they are HMACs under a pepper now
 * (`device-secrets.ts`), and argon2id hashes made before still verify there until rewritten.
 */
const ARGON2ID = 2; // @node-rs/argon2 Algorithm.Argon2id (a const enum, so not importable under isolatedModules)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashSecret(plain: string): Promise<string> {
  return hash(plain, OPTIONS);
}

/** Constant-time verification; a malformed stored hash counts as a mismatch, never a throw. */
export async function verifySecret(storedHash: string, plain: string): Promise<boolean> {
  try {
    return await verify(storedHash, plain);
  } catch {
    return false;
  }
}

/**
 * A hash of a random value, for verifying unknown usernames so a login for a user who does not exist
 * costs as much as one who does (no user enumeration by timing).
 */
let decoy: Promise<string> | undefined;
export async function verifyAgainstDecoy(plain: string): Promise<false> {
  decoy ??= hashSecret(`decoy-${Math.random()}`);
  await verifySecret(await decoy, plain);
  return false;
}
