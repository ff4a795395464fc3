import { WireTime } from '@vigil/contracts';
import { z } from 'zod';

/** Query times arrive as strings: epoch ms digits or ISO-8601 (contract preamble). */
export const QueryTime = z.string().transform((s, c) => {
  const parsed = WireTime.safeParse(/^\d+$/.test(s) ? Number(s) : s);
  if (parsed.success) return parsed.data;
  c.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO-8601 time' });
  return z.NEVER;
});
