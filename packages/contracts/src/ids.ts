import { z } from 'zod';

/** Contract preamble: identifiers match `^[A-Za-z0-9_.-]{1,64}$`. */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** `.` and `..` match the pattern but are path segments, not names (issue 13): refused everywhere. */
export const Id = z
  .string()
  .regex(ID_PATTERN, 'identifier must match ^[A-Za-z0-9_.-]{1,64}$')
  .refine((s) => s !== '.' && s !== '..', 'identifier must not be . or ..');
export type Id = z.infer<typeof Id>;

/** Times on input: epoch milliseconds or an ISO-8601 string; normalised to epoch ms. */
export const WireTime = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

/** Times on output: ISO-8601 UTC. */
export const IsoTime = z.iso.datetime({ offset: true });
export type IsoTime = string;

/**
 * The last instant formatted, kept: a sample's device time is formatted several times in a row
 * (its NEWS2, the live vitals, the report), and `toISOString` is among the dearer calls per sample.
 */
let lastMs = Number.NaN;
let lastIso = '';

export const toIso = (ms: number): IsoTime => {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
};
