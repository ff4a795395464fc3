import { WireTime } from '@vigil/contracts';
import { z } from 'zod';

/** Query times arrive as strings: epoch ms digits or ISO-8601 (contract preamble). */
export const QueryTime = z.string().transform((s, c) => {
  const parsed = WireTime.safeParse(/^\d+$/.test(s) ? Number(s) : s);
  if (parsed.success) return parsed.data;
  c.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO-8601 time' });
  return z.NEVER;
});

const WINDOW_UNITS_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A window back from `to` (contract §4.1 report `?window=24h`): a whole number of minutes, hours or
 * days, `30m`, `6h`, `24h`, `7d`; in milliseconds.
 */
export const QueryWindow = z.string().transform((s, c) => {
  const m = /^(\d{1,4})([mhd])$/.exec(s);
  const ms = m ? Number(m[1]) * WINDOW_UNITS_MS[m[2] as keyof typeof WINDOW_UNITS_MS] : 0;
  if (ms > 0) return ms;
  c.addIssue({ code: 'custom', message: 'expected a window such as 30m, 6h, 24h or 7d' });
  return z.NEVER;
});
