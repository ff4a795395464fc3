import { z } from 'zod';

/** Retained status; the Last Will carries `{"state":"offline"}` (contract §1). */
export const DeviceStatus = z.object({ state: z.enum(['online', 'offline']) });
export type DeviceStatus = z.infer<typeof DeviceStatus>;

/** Platform → device commands (contract §1). */
export const DeviceCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('vibrate'), alertId: z.string() }),
]);
export type DeviceCommand = z.infer<typeof DeviceCommand>;
