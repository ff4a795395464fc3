import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { WorkGate, WorkGateBusyError, type WorkGateOptions, type WorkGateStats, type WorkLane } from './work-gate.ts';

/**
 * Passwords are stored only as argon2id hashes (dependencies.md: 19 MiB, t=2, p=1, about 45 ms a hash
 * on this machine class). Device secrets were too; they are HMACs under a pepper now
 * (`device-secrets.ts`), and argon2id hashes made before still verify there until rewritten.
 *
 * Every argon2id hash and verification passes one gate per process (work-gate.ts; issue 13 "cheap
 * where unauthenticated"): the CPU and the libuv thread pool it runs on are per process, so the bound
 * is too. A full gate rejects with `WorkGateBusyError` (REST 503 `busy`, MQTT CONNACK 3), never `false`.
 */
const ARGON2ID = 2; // @node-rs/argon2 Algorithm.Argon2id (a const enum, so not importable under isolatedModules)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * One per core but one: the event loop keeps a core to itself, so a flood of logins never slows the
 * alarms this process exists for (on 2 cores argon2id at 2 at once took the event loop's CPU and a
 * login p50 to 485 ms; docs/performance.md "Login and CONNECT floods"). At most the libuv pool (4 by
 * default) less one, left for file and DNS work. 8 waiting per running one, and none that would wait
 * over half a second: a login starts within 0.5 s or is told at once to come back.
 */
export function defaultArgon2Limits(): WorkGateOptions {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  const maxConcurrent = Math.max(1, Math.min(availableParallelism() - 1, pool - 1));
  return { maxConcurrent, maxQueued: 8 * maxConcurrent, maxWaitMs: DEFAULT_MAX_WAIT_MS };
}

/** Half the 1 s a login may take (issue 13): the rest is the verification itself and the round trip. */
export const DEFAULT_MAX_WAIT_MS = 500;

let gate = new WorkGate(defaultArgon2Limits());

/** Sets the bound (composition root, from ARGON2_MAX_CONCURRENT / ARGON2_MAX_QUEUED); work in flight finishes under the old one. */
export function limitArgon2(opts: WorkGateOptions): void {
  gate = new WorkGate(opts);
}

/** For `/metrics`: argon2id work running, waiting and refused. */
export function argon2Stats(): WorkGateStats {
  return gate.stats();
}

export function hashSecret(plain: string): Promise<string> {
  return gate.run(() => hash(plain, OPTIONS));
}

export interface VerifyOptions {
  /** `trusted` starts before strangers' work (a name that signed in from this address before). */
  lane?: WorkLane;
}

/**
 * Constant-time verification; a malformed stored hash counts as a mismatch, never a throw. Rejects
 * with `WorkGateBusyError` when the gate is full: "not checked", which is not "wrong".
 */
export async function verifySecret(storedHash: string, plain: string, opts: VerifyOptions = {}): Promise<boolean> {
  try {
    return await gate.run(() => verify(storedHash, plain), opts.lane);
  } catch (err) {
    if (err instanceof WorkGateBusyError) throw err;
    return false;
  }
}

/**
 * A hash of a random value, for verifying unknown usernames so a login for a user who does not exist
 * costs as much as one who does (no user enumeration by timing). Made once, outside the gate, so a
 * busy gate at the first unknown name cannot leave a rejected decoy behind for good.
 */
let decoy: Promise<string> | undefined;
export async function verifyAgainstDecoy(plain: string, opts: VerifyOptions = {}): Promise<false> {
  decoy ??= hash(`decoy-${Math.random()}`, OPTIONS);
  await verifySecret(await decoy, plain, opts);
  return false;
}
